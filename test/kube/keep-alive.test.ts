// One keep-alive connection per client: requests and watches reuse the TLS connection instead of a
// handshake each. The connections are counted by a plain TCP relay in front of the playground (every
// accepted TCP connection carries exactly one TLS handshake).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { ClusterAccessError } from '../../src/core/errors.js';
import { createAgentPool, sameIdentity } from '../../src/kube/agent.js';
import { createKnativeClient } from '../../src/kube/client.js';
import { usePlayground } from '../helpers/playground.js';
import { kubeconfigVariant, service } from './sim-helpers.js';

/** A TCP relay to `target` that counts the connections it accepted. */
async function countingRelay(
  target: string,
): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  const { hostname, port } = new URL(target);
  let count = 0;
  const open = new Set<Socket>();
  const server: Server = createServer((down) => {
    count++;
    const up = connect(Number(port), hostname);
    for (const s of [down, up]) {
      open.add(s);
      s.on('error', () => {});
      s.on('close', () => (open.delete(s), down.destroy(), up.destroy()));
    }
    down.pipe(up);
    up.pipe(down);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    connections: () => count,
    close: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('keep-alive agent pool (unit)', () => {
  test('one pooled agent per TLS identity; Buffers compare by content; proxies and odd values pass through', () => {
    const pool = createAgentPool();
    const ca = Buffer.from('CA-PEM');
    const first = pool.agentFor(new https.Agent({ ca, servername: 'api' }), { enforceTls: false });
    const again = pool.agentFor(new https.Agent({ ca: Buffer.from('CA-PEM'), servername: 'api', timeout: undefined }), {
      enforceTls: false,
    });
    assert.equal(again, first);
    assert.equal(pool.created, 1);
    assert.equal((first as any).keepAlive, true);
    // A rotated client certificate must never ride on a connection made with the old one.
    const rotated = pool.agentFor(new https.Agent({ ca, servername: 'api', cert: Buffer.from('new-cert') }), {
      enforceTls: false,
    });
    assert.notEqual(rotated, first);
    assert.equal(pool.created, 2);
    // enforceTls turns verification on in the pooled agent even when client-node left it unset.
    const enforced = pool.agentFor(new https.Agent({ ca, servername: 'api' }), { enforceTls: true });
    assert.equal((enforced as any).options.rejectUnauthorized, true);
    assert.notEqual(enforced, first);
    // An explicit skip stays a distinct identity from the verifying one.
    const skip = pool.agentFor(new https.Agent({ ca, servername: 'api', rejectUnauthorized: false }), {
      enforceTls: false,
    });
    assert.equal((skip as any).options.rejectUnauthorized, false);
    // Subclasses (proxy agents) keep their own connection handling.
    class ProxyAgent extends https.Agent {}
    const proxy = new ProxyAgent({ ca });
    assert.equal(pool.agentFor(proxy, { enforceTls: true }), proxy);
    assert.equal(pool.agentFor(undefined, { enforceTls: true }), undefined);
    const plain = pool.agentFor(new http.Agent({}), { enforceTls: true });
    assert.equal((plain as any).options.rejectUnauthorized, undefined);
    pool.destroy();
  });

  test('sameIdentity', () => {
    assert.ok(
      sameIdentity(
        { ca: Buffer.from('a'), x: ['1', Buffer.from('b')] },
        { x: ['1', Buffer.from('b')], ca: Buffer.from('a') },
      ),
    );
    assert.ok(!sameIdentity({ ca: Buffer.from('a') }, { ca: Buffer.from('b') }));
    assert.ok(!sameIdentity({ ca: Buffer.from('a') }, { ca: 'a' }));
    assert.ok(!sameIdentity({ ca: 'a' }, { ca: 'a', key: 'k' }));
  });
});

describe('KnativeClient keeps its TLS connection alive', () => {
  const pg = usePlayground({ sample: 'hello' });
  let relay: Awaited<ReturnType<typeof countingRelay>>;
  let viaRelay: string;
  before(async () => {
    relay = await countingRelay(pg.current.server);
    viaRelay = kubeconfigVariant(pg.current, (d) => (d.clusters[0].cluster.server = `https://127.0.0.1:${relay.port}`));
  });
  after(async () => relay?.close());

  test('sequential requests and a watch share one connection', async () => {
    const c = await createKnativeClient({ kubeconfig: viaRelay });
    const before = relay.connections();
    const svc = await c.getService('hello');
    await c.listRevisions('hello');
    await c.getRevision('hello-00001');
    await c.getServiceSnapshot('hello');
    await c.patchService('hello', [{ op: 'add', path: '/metadata/labels', value: { 'keep-alive': 'yes' } }]);
    await c.mergePatchRevision('hello-00001', { metadata: { annotations: { 'keep-alive': 'yes' } } });
    // client-node alone makes a new agent, so a new TLS connection, for each of these 6 requests.
    assert.equal(relay.connections() - before, 1);

    // The watch takes the idle pooled connection too.
    const seen = await new Promise<string>((resolve, reject) => {
      let handle: { stop(): void } | undefined;
      let got: string | undefined;
      c.watchService(
        'hello',
        svc.metadata.resourceVersion,
        (type, obj) => {
          if (got) return;
          got = `${type} ${obj?.metadata?.name}`;
          if (handle) {
            handle.stop();
            resolve(got);
          }
        },
        (err) => reject(err ?? new Error('watch closed early')),
      ).then((h) => {
        handle = h;
        if (got) {
          h.stop();
          resolve(got);
        }
      }, reject);
      // The label patch above is newer than svc's resourceVersion, so an event arrives at once.
    });
    assert.equal(seen, 'MODIFIED hello');
    assert.equal(relay.connections() - before, 1);
    // A stopped watch closes its connection; the next request opens exactly one more.
    await c.getService('hello');
    await c.getService('hello');
    assert.equal(relay.connections() - before, 2);
  });

  test('two clients never share connections; a refused certificate is still refused on a pooled agent', async () => {
    const before = relay.connections();
    const a = await createKnativeClient({ kubeconfig: viaRelay });
    const b = await createKnativeClient({ kubeconfig: viaRelay });
    await a.getService('hello');
    await b.getService('hello');
    await a.createService(service('keepalive-created'));
    assert.equal(relay.connections() - before, 2);

    const noCa = kubeconfigVariant(pg.current, (d) => {
      d.clusters[0].cluster.server = `https://127.0.0.1:${relay.port}`;
      delete d.clusters[0].cluster['certificate-authority-data'];
    });
    const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      const untrusted = await createKnativeClient({ kubeconfig: noCa, retry: { maxAttempts: 1 } });
      for (const call of [() => untrusted.getService('hello'), () => untrusted.getService('hello')]) {
        await assert.rejects(
          call(),
          (e: unknown) => e instanceof ClusterAccessError && e.reason === 'TLSVerificationFailed',
        );
      }
      // The watch path verifies too.
      await new Promise<void>((resolve, reject) => {
        untrusted
          .watchService(
            'hello',
            undefined,
            () => reject(new Error('an untrusted server delivered an event')),
            (err) => {
              if (err instanceof ClusterAccessError && err.reason === 'TLSVerificationFailed') resolve();
              else reject(err ?? new Error('watch ended without the TLS error'));
            },
          )
          .catch((err) =>
            err instanceof ClusterAccessError && err.reason === 'TLSVerificationFailed' ? resolve() : reject(err),
          );
      });
    } finally {
      if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
    }
  });
});
