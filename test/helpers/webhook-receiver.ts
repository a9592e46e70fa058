// A local webhook receiver for the --notify tests: answers a status (or resets, or never answers) and keeps every
// body and header set it was sent.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Receiver {
  url: string;
  bodies: any[];
  headers: http.IncomingHttpHeaders[];
  /** The request path and query of each POST. */
  paths: string[];
  close(): Promise<void>;
}

/** A local webhook: answers `status` (or resets, or never answers) and keeps every body it was sent. */
export async function receiver(mode: number | 'reset' | 'hang' = 200): Promise<Receiver> {
  const bodies: any[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      headers.push(req.headers);
      paths.push(req.url ?? '');
      bodies.push(JSON.parse(data));
      if (mode === 'reset') return req.socket.destroy();
      if (mode === 'hang') return;
      res.writeHead(mode).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    headers,
    paths,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
