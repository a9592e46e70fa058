// The reads that explain a missing service (the namespace's services for "did you mean", the
// namespace itself) only improve an error: against a server that never answers them, bgctl still
// reports the NotFound and exits 1, without --request-timeout and without retrying them.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { conformantService, fakeKnativeServer, kubeconfigFor, tempFile, type Hostile } from './hostile.js';

describe('a missing service on a server that never answers the explaining reads', () => {
  const servers: Hostile[] = [];
  after(() => Promise.all(servers.map((s) => s.stop())));

  async function against(hang: { lists?: boolean; namespaces?: boolean }, services: Record<string, unknown>) {
    const server = await fakeKnativeServer(services, hang);
    servers.push(server);
    const kubeconfig = tempFile('kubeconfig', kubeconfigFor(server, 'fake-token-0123456789'));
    const r = await runCli(['split', 'helol', '--percent', '5', '--yes'], { env: { KUBECONFIG: kubeconfig } });
    return { r, server };
  }

  test('the services list hangs: exit 1 with the NotFound, the list asked once', { timeout: 60_000 }, async () => {
    const { r, server } = await against({ lists: true }, { hello: conformantService('hello') });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^Error: .*"helol" not found/m);
    assert.equal(
      server.requests.filter((q) => /\/services\?/.test(q) || q.endsWith('/services')).length,
      1,
      server.requests.join('\n'),
    );
  });

  test('the namespace read hangs: exit 1 with the NotFound', { timeout: 60_000 }, async () => {
    const { r, server } = await against({ namespaces: true }, {});
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^Error: .*"helol" not found/m);
    assert.equal(
      server.requests.filter((q) => q.includes('/api/v1/namespaces/')).length,
      1,
      server.requests.join('\n'),
    );
  });
});
