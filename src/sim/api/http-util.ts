// Small HTTP helpers shared by the API server: JSON responses, Status errors, body reading.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError, type Status } from './contracts.js';
import { badRequest, failure, internalError } from './status.js';

/** Go's strconv.Quote is close enough to JSON string quoting for warning texts. */
export function warningHeader(text: string): string {
  return `299 - ${JSON.stringify(text)}`;
}

/** Writes a JSON body with Content-Type application/json, plus Warning headers. */
export function sendJson(res: ServerResponse, code: number, body: unknown, opts: { warnings?: string[]; pretty?: boolean; headers?: Record<string, string> } = {}): void {
  const text = opts.pretty ? JSON.stringify(body, null, 2) + '\n' : JSON.stringify(body);
  const headers: Record<string, string | string[]> = { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', ...(opts.headers ?? {}) };
  if (opts.warnings?.length) headers.Warning = [...new Set(opts.warnings)].map(warningHeader);
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

/** Reads the request body as text (up to 3 MiB, the apiserver's limit). */
export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRawBody(req)).toString('utf8');
}

/** Reads the request body as bytes (up to 3 MiB). */
export function readRawBody(req: IncomingMessage, limit = 3 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(failure(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses a JSON body, with the apiserver's 400 wording for undecodable input. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

/** `watch` query semantics: any value except 0/false (case-insensitive) means true. */
export function truthyParam(v: string | undefined): boolean {
  return v !== undefined && !['0', 'false'].includes(v.toLowerCase());
}
