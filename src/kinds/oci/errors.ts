// The OCI Distribution error table and its one mapping to HTTP responses:
// `{"errors":[{"code","message","detail"}]}` with the spec's codes and status codes.
import type { HttpResponse } from '../../http/route.js';

export const OCI_ERRORS = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 400,
  BLOB_UPLOAD_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  SIZE_INVALID: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNSUPPORTED: 405,
  TOOMANYREQUESTS: 429,
  // Not in the spec's table, used by distribution for these statuses.
  RANGE_INVALID: 416,
  TOO_LARGE: 413,
} as const;

export type OciErrorCode = keyof typeof OCI_ERRORS;

export const API_VERSION_HEADER = { 'docker-distribution-api-version': 'registry/2.0' } as const;

export class OciError extends Error {
  constructor(
    readonly code: OciErrorCode,
    message: string,
    readonly detail?: unknown,
    readonly headers: Record<string, string> = {},
    readonly status: number = OCI_ERRORS[code],
  ) {
    super(message);
    this.name = 'OciError';
  }
}

export function ociErrorResponse(err: OciError): HttpResponse {
  const body = JSON.stringify({ errors: [{ code: err.code === 'TOO_LARGE' ? 'SIZE_INVALID' : err.code, message: err.message, detail: err.detail ?? null }] });
  return {
    status: err.status,
    headers: { 'content-type': 'application/json', ...API_VERSION_HEADER, ...err.headers },
    body,
  };
}

export const ociError = (code: OciErrorCode, message: string, detail?: unknown, headers?: Record<string, string>) =>
  ociErrorResponse(new OciError(code, message, detail, headers));
