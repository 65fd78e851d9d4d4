// ChartMuseum-style upload: the request body is a chart .tgz. It streams into the store (hashed on the
// way, capped in size), is read for its Chart.yaml, and becomes a helm record unless that name and
// version already exist (409: a published chart version never changes, as in ChartMuseum).
import type { ServeOptions } from '../kind.js';
import { json, type HttpRequest, type HttpResponse } from '../../http/route.js';
import { AirlockError } from '../../core/errors.js';
import { parseDigest } from '../../core/digest.js';
import { readChart } from './archive.js';
import { chartRecord } from './records.js';
import { unauthorized } from './routes.js';

const MAX_CHART = 64 * 1024 * 1024;

/** Runs the check-then-record step of one upload at a time, so two uploads of one version cannot both win. */
export type Serial = <T>(task: () => Promise<T>) => Promise<T>;

export function serial(): Serial {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

export async function storeUpload(req: HttpRequest, opts: ServeOptions, one: Serial): Promise<HttpResponse> {
  const { writable, auth } = opts;
  if (!writable || !auth) return json(403, { error: 'this chart repository is read-only: start `airlock serve` with --htpasswd to accept uploads' });
  const user = await auth.check(req.headers.authorization);
  if (!user) return unauthorized(opts, user === null ? 'invalid credentials' : 'authentication required');
  req.user = user;
  if (String(req.headers['content-type'] ?? '').startsWith('multipart/')) {
    return json(415, { error: 'send the chart .tgz as the request body: curl --data-binary @chart.tgz' });
  }
  const blob = await writable.blobs.ingest(capped(req.body, MAX_CHART));
  const files = await readChart(writable.blobs.open(blob.digest), 'uploaded chart');
  const { name, version } = files.meta;
  const added = await one(async () => {
    if (writable.find({ kind: 'helm', name, version }).length > 0) return false;
    await writable.addArtifact(chartRecord(files.meta, { sha256: parseDigest(blob.digest).hex, size: blob.size, origin: `uploaded by ${user}` }));
    return true;
  });
  if (!added) return json(409, { error: `${name}-${version}.tgz already exists` });
  opts.log.info({ chart: name, version, user }, 'chart uploaded');
  return json(201, { saved: true });
}

async function* capped(body: AsyncIterable<Buffer>, limit: number): AsyncIterable<Buffer> {
  let n = 0;
  for await (const chunk of body) {
    n += chunk.length;
    if (n > limit) throw new AirlockError('TOO_LARGE', `chart archive over ${limit} bytes`);
    yield chunk;
  }
}
