// `startPlaygrounds(3)`: three independent clusters behind one kubeconfig, driven through its contexts by
// bgctl (client-node over HTTPS) and by the real kubectl. What happens in one cluster stays there.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { startPlaygrounds, type Playgrounds } from '../../src/sim/playground.js';
import { renderKubeconfig } from '../../src/sim/api/kubeconfig.js';
import { runCli } from '../helpers/cli.js';
import { createKubectl, requireKubectl } from '../helpers/kubectl.js';
import { ingressGet } from '../helpers/ingress.js';

const CONTEXTS = ['playground-1', 'playground-2', 'playground-3'];

describe('startPlaygrounds(3): one kubeconfig, three independent clusters', () => {
  let pgs: Playgrounds;
  let dir: string;
  before(async () => {
    pgs = await startPlaygrounds(3, { sample: 'hello' });
    dir = mkdtempSync(join(tmpdir(), 'bgctl-pg-clusters-'));
  });
  after(async () => {
    await pgs?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const env = (): Record<string, string> => ({ KUBECONFIG: pgs.kubeconfigPath });
  const statusIn = (context: string, name = 'hello') =>
    runCli(['status', name, '-o', 'json', '--context', context], { env: env() });

  test('the kubeconfig has a context, cluster and user per cluster, each its own server, CA and token', () => {
    const kc = yaml.load(pgs.kubeconfig) as any;
    assert.deepEqual(
      pgs.clusters.map((c) => c.context),
      CONTEXTS,
    );
    assert.deepEqual(
      kc.contexts.map((c: any) => [c.name, c.context.cluster, c.context.user, c.context.namespace]),
      CONTEXTS.map((n) => [n, n, n, 'default']),
    );
    assert.equal(kc['current-context'], 'playground-1');
    assert.deepEqual(
      kc.clusters.map((c: any) => c.cluster.server),
      pgs.clusters.map((c) => c.server),
    );
    assert.deepEqual(
      kc.users.map((u: any) => u.user.token),
      pgs.clusters.map((c) => c.token),
    );
    for (const field of ['server', 'ingress', 'metrics', 'token'] as const)
      assert.equal(new Set(pgs.clusters.map((c) => c[field])).size, 3, `${field} differs per cluster`);
    assert.equal(new Set(kc.clusters.map((c: any) => c.cluster['certificate-authority-data'])).size, 3);
    const ro = yaml.load(readFileSync(pgs.readOnlyKubeconfigPath, 'utf8')) as any;
    assert.deepEqual(
      ro.contexts.map((c: any) => c.name),
      CONTEXTS.map((n) => `${n}-readonly`),
    );
  });

  test('bgctl reaches each cluster through --context; the sample is Ready in each', async () => {
    for (const context of CONTEXTS) {
      const r = await statusIn(context);
      assert.equal(r.code, 0, `${context}: ${r.stderr}`);
      assert.deepEqual(JSON.parse(r.stdout).ready, { status: 'True' }, context);
    }
    for (const c of pgs.clusters)
      assert.equal((await ingressGet(c.ingress, 'hello.default.example.com')).revision, 'hello-00001');
  });

  test('a deploy through playground-2 changes that cluster only', async () => {
    const r = await runCli(
      ['deploy', 'hello', '--image', 'ghcr.io/bgctl/hello:v2', '--yes', '--context', 'playground-2'],
      { env: env() },
    );
    assert.equal(r.code, 0, r.stderr);
    const revisions = async (context: string) =>
      JSON.parse((await statusIn(context)).stdout).revisions.map((rev: any) => `${rev.name} ${rev.image}`);
    assert.deepEqual(await revisions('playground-2'), [
      'hello-00001 ghcr.io/bgctl/hello:v1',
      'hello-00002 ghcr.io/bgctl/hello:v2',
    ]);
    for (const context of ['playground-1', 'playground-3'])
      assert.deepEqual(await revisions(context), ['hello-00001 ghcr.io/bgctl/hello:v1'], context);
  });

  test('a service created in playground-3 is absent from the other two', async () => {
    const [, , third] = pgs.clusters;
    third.registry.create(
      third.registry.resource('services', 'serving.knative.dev')!,
      'default',
      {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: { name: 'only-here', namespace: 'default' },
        spec: { template: { spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v1' }] } } },
      },
      { user: 'test' },
    );
    const here = await statusIn('playground-3', 'only-here');
    assert.equal(here.code, 0, here.stderr);
    for (const context of ['playground-1', 'playground-2']) {
      const r = await statusIn(context, 'only-here');
      assert.notEqual(r.code, 0, context);
      assert.match(r.stderr, /only-here/, context);
    }
  });

  test('kubectl lists the three contexts and reads playground-2 with --context', async (t) => {
    const bin = requireKubectl(t);
    if (!bin) return;
    const k = createKubectl(bin, pgs.kubeconfigPath);
    try {
      const contexts = await k.run(['config', 'get-contexts', '-o', 'name']);
      assert.equal(contexts.code, 0, contexts.stderr);
      assert.equal(contexts.stdout, CONTEXTS.join('\n') + '\n');
      const table = await k.run(['config', 'get-contexts']);
      assert.match(table.stdout, /^\*\s+playground-1\s+playground-1\s+playground-1\s+default\s*$/m);
      const got = await k.run(['--context', 'playground-2', 'get', 'ksvc', '-o', 'name']);
      assert.equal(got.code, 0, got.stderr);
      assert.equal(got.stdout, 'service.serving.knative.dev/hello\n');
      const ro = createKubectl(bin, pgs.readOnlyKubeconfigPath);
      try {
        const denied = await ro.run(['--context', 'playground-2-readonly', 'delete', 'ksvc', 'hello']);
        assert.notEqual(denied.code, 0);
        assert.match(denied.stderr, /Forbidden/);
      } finally {
        ro.dispose();
      }
    } finally {
      k.dispose();
    }
  });

  test("one cluster's token is refused by another: 401, exit 4", async () => {
    const [first, second] = pgs.clusters;
    const caPem = Buffer.from(
      (yaml.load(pgs.kubeconfig) as any).clusters[1].cluster['certificate-authority-data'],
      'base64',
    ).toString();
    const crossed = join(dir, 'crossed');
    writeFileSync(crossed, renderKubeconfig({ server: second.server, caPem, token: first.token, name: 'crossed' }));
    const r = await runCli(['status', 'hello'], { env: { KUBECONFIG: crossed } });
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /rejected the credentials of context "crossed" \(401 Unauthorized\)/);
    assert.ok(!r.stderr.includes(first.token), 'the token is never printed');
  });
});
