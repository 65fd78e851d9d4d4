// Which view answers which path, and the data each one reads. Reads happen per request: the catalog
// is the truth, and a store changed by `airlock load` or a push shows on the next page view.
import type { HttpRequest } from '../http/route.js';
import { upstreamRegistries } from '../kinds/oci/names.js';
import { publishedAptRepos } from '../kinds/deb/nodes.js';
import { yumReposOf } from '../kinds/rpm/nodes.js';
import { fileRows, imageRepos, summarize } from './model.js';
import { search } from './search.js';
import { parseCounters } from './counters.js';
import { addressesFor, nodeConfigFor } from './site-view.js';
import type { UiOptions } from './routes.js';
import { overviewPage } from './views/overview.js';
import { imagesPage } from './views/images.js';
import { filesPage } from './views/files.js';
import { bundlesPage } from './views/bundles.js';
import { servicesPage } from './views/services.js';
import { nodeConfigPage } from './views/nodeconfig.js';
import { searchPage } from './views/search.js';
import { paginate } from './views/pager.js';
import type { ConfigPlatforms } from './platforms.js';
import type { ReceiptReader } from './receipts.js';

export const REPOS_PER_PAGE = 100;
export const FILES_PER_PAGE = 500;

/** The options plus what the dashboard remembers between requests. */
export interface PageContext extends UiOptions {
  platforms: ConfigPlatforms;
  receipts: ReceiptReader;
}

type View = (req: HttpRequest, opts: PageContext) => string | Promise<string>;

const VIEWS: Record<string, View> = {
  '/ui/': async (_req, o) => {
    const history = (await o.receipts.read()).history;
    return overviewPage({ storeRoot: o.store.paths.root, ...summarize(o.store.find({})), lastBundle: history.at(-1), counters: parseCounters(o.metrics()) });
  },
  '/ui/images': async (req, o) => {
    const name = req.query.get('name') || undefined;
    const entries = o.store.find({ kind: 'oci', name });
    // Rows are built, and configs read, only for the repositories on this page (the catalog is sorted by name).
    const names = paginate([...new Set(entries.map((e) => e.record.name))], req.query.get('page'), REPOS_PER_PAGE);
    const shown = new Set(names.items);
    const onPage = entries.filter((e) => shown.has(e.record.name));
    await o.platforms.load(onPage);
    return imagesPage({ ...names, items: imageRepos(onPage, addressesFor(req, o), (e) => o.platforms.of(e)) }, name);
  },
  '/ui/files': (req, o) => {
    const at = addressesFor(req, o);
    const name = req.query.get('name') || undefined;
    const files = paginate(o.store.find({ kind: 'file', name }), req.query.get('page'), FILES_PER_PAGE);
    return filesPage({ ...files, items: fileRows(files.items, at) }, at.filesRepo, name);
  },
  '/ui/bundles': async (_req, o) => bundlesPage(await o.receipts.read()),
  '/ui/services': (_req, o) => servicesPage(parseCounters(o.metrics()), o.bound()),
  '/ui/nodeconfig': (_req, o) => {
    const registries = upstreamRegistries(o.store.find({ kind: 'oci' }).map((e) => e.record.name));
    return nodeConfigPage(nodeConfigFor(o, { registries, aptRepos: publishedAptRepos(o.store), yumRepos: yumReposOf(o.store) }));
  },
  '/ui/search': (req, o) => {
    const q = req.query.get('q') ?? '';
    return searchPage(q, search(o.store.find({}), q, addressesFor(req, o)));
  },
};

export async function pageFor(req: HttpRequest, opts: PageContext): Promise<string | undefined> {
  const view = VIEWS[req.rawPath];
  return view ? await view(req, opts) : undefined;
}

/** `/ui/api/summary`: the overview as JSON, for scripts and monitoring that want more than /metrics. */
export async function summaryJson(opts: PageContext) {
  const { history, error } = await opts.receipts.read();
  return { store: opts.store.paths.root, ...summarize(opts.store.find({})), loaded: history, receiptError: error, counters: parseCounters(opts.metrics()) };
}

export function searchJson(req: HttpRequest, opts: UiOptions) {
  const q = req.query.get('q') ?? '';
  return { query: q, ...search(opts.store.find({}), q, addressesFor(req, opts)) };
}
