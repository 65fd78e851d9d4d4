// Protocol handlers are functions from a request to a response; only node-adapter.ts touches sockets.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

export interface HttpRequest {
  method: string;
  /** The path as received, percent-encoding intact, without the query. */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The request body; handlers that do not read it leave it to the adapter to drain. */
  body: Readable;
  remoteAddress: string;
  /** Set by the auth layer when the request carried valid credentials. */
  user?: string;
}

export type FileBody = { file: string; start?: number; end?: number };
export type Body = string | Buffer | Readable | FileBody;

export interface HttpResponse {
  status: number;
  headers?: Record<string, string | number | string[]>;
  body?: Body;
}

export interface Route {
  /** Path prefix this route owns, e.g. "/files/" or "/v2/". */
  prefix: string;
  /** Returns undefined when the route does not handle the request (the next route is tried). */
  handle(req: HttpRequest): Promise<HttpResponse | undefined> | HttpResponse | undefined;
}

export function isFileBody(body: Body | undefined): body is FileBody {
  return typeof body === 'object' && body !== null && 'file' in body && !Buffer.isBuffer(body);
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): HttpResponse {
  const body = JSON.stringify(value);
  return { status, headers: { 'content-type': 'application/json', ...headers }, body };
}

export function text(status: number, body: string, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body };
}
