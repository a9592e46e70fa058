// One GET through the playground's ingress with a Host header, the way a tag URL is tested without
// DNS. Shared by every test that checks which revision answers (commands, sim, e2e).
import { request } from 'node:http';

/** What the ingress answered. */
export interface IngressResponse {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  /** The revision that served the request (the playground's x-revision header), if any. */
  revision?: string;
}

/**
 * GET http://<address><path> with `Host: <host>`. `address` is the ingress "127.0.0.1:PORT";
 * `host` is a host name or a whole URL (its host is used). A fresh socket per request (agent: false),
 * so a server restart between requests is never seen as a reset keep-alive socket.
 */
export function ingressGet(address: string, host: string, path = '/'): Promise<IngressResponse> {
  const hostHeader = /^[a-z]+:\/\//i.test(host) ? new URL(host).host : host;
  const at = address.lastIndexOf(':');
  const hostname = address.slice(0, at);
  const port = Number(address.slice(at + 1));
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET', headers: { Host: hostHeader }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        const rev = res.headers['x-revision'];
        resolve({
          status: res.statusCode ?? 0,
          body,
          headers: res.headers,
          revision: typeof rev === 'string' ? rev : undefined,
        });
      });
    });
    req.on('error', reject);
    req.end();
  });
}
