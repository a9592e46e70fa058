// A hostile "API server" over real HTTPS (throw-away CA from src/sim/api/tls.ts): it echoes the
// credentials it receives (Authorization header, request URL) back in its error answers, the way a
// careless proxy or a compromised server might. A path containing "echo500" gets a 500 text/plain
// body; anything else a 403 Status whose message quotes the header.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateTls } from '../../src/sim/api/tls.js';

export interface HostileServer {
  url: string;
  caData: string;
  /** Every Authorization header received. */
  seen: string[];
  stop(): Promise<void>;
}

export async function startHostileServer(): Promise<HostileServer> {
  const tls = await generateTls();
  const seen: string[] = [];
  const server: Server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    const auth = String(req.headers.authorization ?? '');
    seen.push(auth);
    const bare = auth.replace(/^\S+\s+/, '');
    if ((req.url ?? '').includes('echo500')) {
      // The token starts just before client messages are cut (300 characters), and comes again whole.
      const body = `${'x'.repeat(290)}${bare} -- upstream said: Authorization: ${auth}; token=${bare}; url=${req.url}`;
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(body);
      return;
    }
    const message = `services is forbidden: User "${bare}" (sent "${auth}", token:${bare}!) cannot get ${req.url}`;
    res.writeHead(403, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message,
        reason: 'Forbidden',
        code: 403,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    caData: Buffer.from(tls.caPem).toString('base64'),
    seen,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
