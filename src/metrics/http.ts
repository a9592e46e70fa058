// One bounded HTTP(S) exchange with Prometheus: a deadline for the whole exchange, a cap on the answer's size,
// no redirects followed (a token must reach only the configured URL). Node's own http/https, Node's CA store.
import http from 'node:http';
import https from 'node:https';

export interface Exchange {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
}

export interface Answer {
  status: number;
  body: string;
}

/** Thrown when the answer grew past the cap: not retried, the server would send the same again. */
export class TooLargeError extends Error {}

export function exchange(x: Exchange): Promise<Answer> {
  const transport = x.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(x.url, { method: x.method, headers: x.headers, signal: x.signal }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > x.maxBytes) {
          req.destroy(new TooLargeError(`the answer is larger than ${x.maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', fail);
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${x.timeoutMs} ms`)), x.timeoutMs);
    function fail(err: Error) {
      clearTimeout(timer);
      reject(err);
    }
    req.on('error', fail);
    req.end(x.body);
  });
}
