// The composition root of `airlock serve`: open the store, mount every kind's routes on one HTTP
// listener, and stop gracefully.
import type { Logger } from '../core/log.js';
import { createApp } from '../http/app.js';
import { listen } from '../http/node-adapter.js';
import { KINDS } from '../kinds/registry.js';
import { Store } from '../store/store.js';

export interface ServeOptions {
  storeDir: string;
  host: string;
  port: number;
  log: Logger;
}

export interface RunningServer {
  url: string;
  store: Store;
  close(): Promise<void>;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const store = await Store.open(opts.storeDir);
  const routes = KINDS.flatMap((kind) => kind.routes?.({ store, log: opts.log.child({ kind: kind.name }) }) ?? []);
  const app = createApp({ routes, log: opts.log });
  const http = await listen(app, { host: opts.host, port: opts.port, log: opts.log });
  opts.log.info({ url: http.url, store: store.paths.root }, 'serving');
  let closing: Promise<void> | undefined;
  return {
    url: http.url,
    store,
    close: () =>
      (closing ??= (async () => {
        await http.close();
        store.close();
        opts.log.info('stopped');
      })()),
  };
}
