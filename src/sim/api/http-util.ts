// Small HTTP helpers shared by the API server: JSON responses, Status errors, body reading.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError, type Status } from './contracts.js';
import { badRequest, failure, internalError } from './status.js';
import { goJsonSyntaxError } from './go-json.js';
import { warningHeaders } from './go-strings.js';

/** Writes a JSON body with Content-Type application/json, plus Warning headers. */
export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  opts: { warnings?: string[]; pretty?: boolean; headers?: Record<string, string> } = {},
): void {
  const text = opts.pretty ? JSON.stringify(body, null, 2) + '\n' : JSON.stringify(body);
  const headers: Record<string, string | string[]> = {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    ...(opts.headers ?? {}),
  };
  const warnings = warningHeaders(opts.warnings ?? []);
  if (warnings.length) headers.Warning = warnings;
  res.writeHead(code, headers);
  res.end(text);
}

/** Writes a Status; sets Retry-After when details.retryAfterSeconds is positive. */
export function sendStatus(res: ServerResponse, status: Status, warnings?: string[]): void {
  const headers: Record<string, string> = {};
  const ra = status.details?.retryAfterSeconds;
  if (ra && ra > 0) headers['Retry-After'] = String(ra);
  sendJson(res, status.code, status, { warnings, headers });
}

/** Any thrown value as a Status (unexpected errors become 500 InternalError). */
export function toStatus(err: unknown): Status {
  if (err instanceof StatusError) return err.status;
  return internalError(err instanceof Error ? err.message : String(err)).status;
}

/** Reads the request body as text (up to MAX_REQUEST_BODY_BYTES). */
export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRawBody(req)).toString('utf8');
}

/** kube-apiserver's default MaxRequestBodyBytes (3 MiB). */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;
// Past this the rest of an oversized body is no longer drained and the connection is cut.
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/** The request body; over the limit it drains to the end so the client gets the 413 Status, not a reset. */
export function readRawBody(req: IncomingMessage, limit = MAX_REQUEST_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > DRAIN_LIMIT_BYTES) req.destroy();
      else if (size <= limit) chunks.push(c);
    });
    req.on('end', () => {
      if (size > limit) reject(failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`));
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/**
 * How deep a body may nest. Go's decoder stops at 10000, but Node's stack overflows near 3000, so the playground
 * refuses past 1000 with the apiserver's wording (js-yaml bounds YAML at 100).
 */
export const MAX_JSON_DEPTH = 1000;

/** Parses a JSON body with the apiserver's 400 wording (`prefix`: the decoder's wrapper, then Go's syntax error). */
export function parseJson(text: string, prefix = "couldn't get version/kind; json parse error: "): unknown {
  const syntax = goJsonSyntaxError(text, MAX_JSON_DEPTH);
  if (syntax) throw badRequest(prefix + syntax);
  return JSON.parse(text);
}

/** `watch` query semantics: any value except 0/false (case-insensitive) means true. */
export function truthyParam(v: string | undefined): boolean {
  return v !== undefined && !['0', 'false'].includes(v.toLowerCase());
}
