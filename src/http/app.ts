// The HTTP application: health and metrics endpoints, then each kind's routes by prefix, then 404.
// Pure request → response; the adapter does the I/O.
import { AirlockError, ERROR_CODES } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { json, text, type HttpRequest, type HttpResponse, type Route } from './route.js';
import { Metrics } from './metrics.js';

export interface App {
  handle(req: HttpRequest): Promise<HttpResponse>;
  metrics: Metrics;
}

export function createApp(opts: { routes: Route[]; log: Logger; metrics?: Metrics }): App {
  const metrics = opts.metrics ?? new Metrics();
  // Longest prefix first, so "/v2/" and "/files/" never shadow a more specific mount.
  const routes = [...opts.routes].sort((a, b) => b.prefix.length - a.prefix.length);
  const handle = async (req: HttpRequest): Promise<HttpResponse> => {
    if (req.rawPath === '/healthz') return json(200, { status: 'ok' });
    if (req.rawPath === '/metrics') return text(200, metrics.render(), { 'content-type': 'text/plain; version=0.0.4' });
    for (const route of routes) {
      if (!req.rawPath.startsWith(route.prefix) && req.rawPath + '/' !== route.prefix) continue;
      const res = await route.handle(req);
      if (res) return res;
    }
    return json(404, { error: { code: 'NOT_FOUND', message: `nothing at ${req.rawPath}` } });
  };
  return {
    metrics,
    async handle(req) {
      try {
        return await handle(req);
      } catch (err) {
        return errorResponse(err, opts.log, req);
      }
    },
  };
}

export function errorResponse(err: unknown, log: Logger, req: HttpRequest): HttpResponse {
  if (err instanceof AirlockError) {
    return json(ERROR_CODES[err.code].http, { error: { code: err.code, message: err.message } });
  }
  log.error({ err, method: req.method, path: req.rawPath }, 'request failed');
  return json(500, { error: { code: 'INTERNAL', message: 'internal error' } });
}
