import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { usePlayground } from '../helpers/playground.js';
import { startApiFixture } from '../sim/api/fixture.js';
import { applyIntent, createService, stagedService, getService, getRevisions, waitFor } from './read-setup.js';

/** Same-length placeholder for timestamps, so columns stay aligned in golden text. */
const maskTimes = (s: string) => s.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, (m) => m.replace(/\d/g, '0'));
const NOW = '2026-01-02T03:04:05.000Z';

describe('bgctl status', () => {
  const pg = usePlayground({ sample: 'hello' });
  const env = () => ({ KUBECONFIG: pg.current.kubeconfigPath });

  test('a fresh sample: detail view, warning and next command (golden)', async () => {
    const r = await runCli(['status', 'hello'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      maskTimes(r.stdout),
      [
        'Service: hello (namespace default)',
        'URL:     http://hello.default.example.com',
        'Ready:   True',
        'Latest:  created hello-00001, ready hello-00001',
        'Rollout: unpinned (traffic follows the latest revision)',
        '',
        'Traffic',
        'REVISION                TAG   TRAFFIC                     READY   URL',
        '@latest (hello-00001)   -     #################### 100%   True    -',
        '',
        'Revisions',
        'NAME          READY   TRAFFIC   TAGS   AGE',
        'hello-00001   True       100%   -      0000-00-00T00:00:00Z',
        '',
      ].join('\n'),
    );
    assert.equal(
      r.stderr,
      'Warning: traffic follows the latest revision: the next deploy takes all traffic once Ready (bgctl pin)\n' +
        'Next: bgctl pin hello   # pin the serving revision so the next deploy starts at 0%\n',
    );
  });

  test('-o json: one ServiceStatus document with Knative field names', async () => {
    const r = await runCli(['status', 'hello', '-o', 'json'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.apiVersion, 'bgctl.dev/v1');
    assert.equal(doc.kind, 'ServiceStatus');
    assert.equal(doc.name, 'hello');
    assert.deepEqual(doc.traffic, [{ revisionName: 'hello-00001', latestRevision: true, percent: 100 }]);
    assert.equal(doc.rollout.phase, 'unpinned');
    assert.deepEqual(doc.ready, { status: 'True' });
    assert.deepEqual(doc.conditions, []);
    assert.equal(doc.revisions[0].name, 'hello-00001');
    assert.equal(doc.revisions[0].image, 'ghcr.io/bgctl/hello:v1');
    assert.equal(doc.next.command, 'bgctl pin hello');
  });

  test('-o yaml carries the same document', async () => {
    const r = await runCli(['status', 'hello', '-o', 'yaml'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^apiVersion: bgctl\.dev\/v1\n/);
    assert.match(r.stdout, /\nkind: ServiceStatus\n/);
    assert.match(r.stdout, /\n {4}revisionName: hello-00001\n/);
  });

  test('mid-rollout: phase, roles, tag URLs, bars and the next step (golden)', async () => {
    await stagedService(pg.current, 'web');
    await applyIntent(pg.current, 'web', { kind: 'split', percent: 20 }, NOW);
    const rolloutId = JSON.parse(getService(pg.current, 'web').metadata.annotations!['bgctl.dev/rollout']).id;
    const r = await runCli(['status', 'web'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      maskTimes(r.stdout),
      [
        'Service: web (namespace default)',
        'URL:     http://web.default.example.com',
        'Ready:   True',
        'Latest:  created web-00002, ready web-00002',
        `Rollout: split 20% to the candidate (rollout ${rolloutId}, by alice)`,
        '  stable web-00001 [stable] -> candidate web-00002 [candidate]',
        '',
        'Traffic',
        'REVISION    TAG         TRAFFIC                     READY   URL',
        'web-00001   stable      ################....  80%   True    http://stable-web.default.example.com',
        'web-00002   candidate   ####................  20%   True    http://candidate-web.default.example.com',
        '',
        'Revisions',
        'NAME        READY   TRAFFIC   TAGS        AGE',
        'web-00002   True        20%   candidate   0000-00-00T00:00:00Z',
        'web-00001   True        80%   stable      0000-00-00T00:00:00Z',
        '',
      ].join('\n'),
    );
    assert.equal(r.stderr, 'Next: bgctl promote web   # send all traffic to the candidate\n');
    const doc = JSON.parse((await runCli(['status', 'web', '-o', 'json'], { env: env() })).stdout);
    assert.equal(doc.rollout.phase, 'split');
    assert.equal(doc.rollout.percent, 20);
    assert.deepEqual(doc.rollout.candidate, { revisionName: 'web-00002', tag: 'candidate' });
    assert.deepEqual(
      doc.traffic.map((t: any) => [t.tag, t.revisionName, t.percent, t.url]),
      [
        ['stable', 'web-00001', 80, 'http://stable-web.default.example.com'],
        ['candidate', 'web-00002', 20, 'http://candidate-web.default.example.com'],
      ],
    );
  });

  test('a failing service lists the conditions that are not True', async () => {
    await createService(pg.current, 'broken', {
      annotations: { 'sim.bgctl.dev/fail': 'ContainerMissing' },
      wait: false,
    });
    // Event-driven: wait for the stored Service to report the failure, then read it through bgctl.
    await waitFor(pg.current, 'services', 'broken', (o) =>
      o.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'False'),
    );
    let r = await runCli(['status', 'broken', '-o', 'json'], { env: env() });
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.ready.status, 'False');
    assert.equal(doc.conditions[0].type, 'Ready', 'Ready comes first');
    assert.ok(doc.conditions.every((c: any) => c.status !== 'True'));
    r = await runCli(['status', 'broken'], { env: env() });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Ready: {3}False \(\w+\)$/m);
    assert.match(r.stdout, /\nConditions not True\nTYPE +STATUS +REASON +MESSAGE\nReady +False +\w+ +\S/);
    assert.match(r.stdout, /^broken-00001 +False +0% +- +\S+ +\w+$/m, 'the revision row carries its reason');
  });

  test('without SERVICE: one line per service of the namespace (golden)', async () => {
    const r = await runCli(['status'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^NAME {5}READY +PHASE {6}TRAFFIC {24}URL$/);
    const cells = lines.slice(1).map((l) => l.split(/ {3,}/));
    assert.deepEqual(
      cells[0].slice(2),
      ['unpinned', '@latest 100%', 'http://broken.default.example.com'],
      'no revision is ready: the desired split is shown',
    );
    assert.match(cells[0][1], /^False \(\w+\)$/);
    assert.deepEqual(cells.slice(1), [
      ['hello', 'True', 'unpinned', 'hello-00001 100%', 'http://hello.default.example.com'],
      ['web', 'True', 'split', 'web-00001 80%, web-00002 20%', 'http://web.default.example.com'],
    ]);
    // Columns line up: every URL starts where the header's URL does.
    const at = lines[0].indexOf('URL');
    for (const l of lines.slice(1)) assert.equal(l.indexOf('http://'), at);
  });

  test('-A adds other namespaces and a NAMESPACE column; -n narrows', async () => {
    await createService(pg.current, 'api', { ns: 'team-a' });
    const r = await runCli(['status', '-A'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/ {3,}/).slice(0, 2).join('/'));
    assert.deepEqual(rows, ['NAMESPACE/NAME', 'default/broken', 'default/hello', 'default/web', 'team-a/api']);
    const ns = await runCli(['status', '-n', 'team-a', '-o', 'json'], { env: env() });
    const doc = JSON.parse(ns.stdout);
    assert.equal(doc.kind, 'ServiceStatusList');
    assert.equal(doc.namespace, 'team-a');
    assert.deepEqual(
      doc.items.map((i: any) => i.name),
      ['api'],
    );
    const empty = await runCli(['status', '-n', 'kube-public'], { env: env() });
    assert.equal(empty.code, 0);
    assert.equal(empty.stdout, '');
    assert.equal(empty.stderr, 'No Knative services found in namespace kube-public.\n');
  });

  test('on a terminal, ages are relative', async () => {
    // The row shows the revision's age; the revision can be created a second after the service.
    const revision = getRevisions(pg.current, 'hello').find((r) => r.metadata.name === 'hello-00001')!;
    const created = Date.parse(revision.metadata.creationTimestamp!);
    const r = await runCli(['status', 'hello'], {
      env: env(),
      tty: true,
      now: () => new Date(created + 3 * 3600_000 + 5 * 60_000),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^hello-00001 +True +100% +- +3h5m$/m);
  });

  test('errors: unknown service, SERVICE with -A, bad name', async () => {
    const missing = await runCli(['status', 'nope'], { env: env() });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope/);
    assert.match(missing.stderr, /not found/);
    assert.equal(missing.stdout, '');
    const both = await runCli(['status', 'hello', '-A'], { env: env() });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /pass SERVICE or -A, not both/);
    const bad = await runCli(['status', 'Hello_World'], { env: env() });
    assert.equal(bad.code, 2);
  });
});

describe('bgctl status -A at scale', () => {
  test('2,000 services: paged LISTs of services only, lean summaries', async () => {
    const f = await startApiFixture();
    try {
      const nsDef = f.registry.resource('namespaces', '')!;
      const def = f.registry.resource('services', 'serving.knative.dev')!;
      for (const ns of ['team-a', 'team-b'])
        f.registry.create(
          nsDef,
          undefined,
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
          { user: 'setup' },
        );
      for (let i = 0; i < 2000; i++) {
        const ns = i % 2 ? 'team-a' : 'team-b';
        const name = `svc-${String(i).padStart(4, '0')}`;
        const created = f.registry.create(
          def,
          ns,
          {
            apiVersion: 'serving.knative.dev/v1',
            kind: 'Service',
            metadata: { name, namespace: ns },
            spec: {
              template: { spec: { containers: [{ image: 'x/y:1' }] } },
              traffic: [{ revisionName: `${name}-00001`, percent: 100 }],
            },
          },
          { user: 'setup' },
        );
        created.status = {
          observedGeneration: 1,
          conditions: [{ type: 'Ready', status: 'True' }],
          latestCreatedRevisionName: `${name}-00001`,
          latestReadyRevisionName: `${name}-00001`,
          url: `http://${name}.${ns}.example.com`,
          traffic: [{ revisionName: `${name}-00001`, latestRevision: false, percent: 100 }],
        };
        f.registry.updateStatus(def, ns, created, { user: 'setup' });
      }
      f.server.control.resetLog();
      const r = await runCli(['status', '-A', '-o', 'json', '--chunk-size', '500'], {
        env: { KUBECONFIG: f.kubeconfigPath },
      });
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.kind, 'ServiceStatusList');
      assert.equal(doc.items.length, 2000);
      assert.deepEqual(Object.keys(doc.items[0]).sort(), [
        'latestCreatedRevisionName',
        'latestReadyRevisionName',
        'name',
        'namespace',
        'phase',
        'ready',
        'traffic',
        'url',
      ]);
      assert.equal(doc.items[0].namespace, 'team-a');
      assert.equal(doc.items[1999].namespace, 'team-b');
      assert.equal(doc.items[0].phase, 'pinned');
      const { counts, requests } = f.server.control.report();
      assert.deepEqual(Object.keys(counts), ['list'], 'only LIST requests');
      assert.deepEqual(counts.list, { services: 4 }, 'four pages of 500 services, no revisions');
      assert.ok(requests.every((q) => q.query.limit === '500'));
    } finally {
      await f.stop();
    }
  });
});

describe('bgctl status: next command after a failure or a closed rollout', () => {
  const pg = usePlayground({ sample: 'hello' });
  const env = () => ({ KUBECONFIG: pg.current.kubeconfigPath });

  test('next after a failed deploy is rollback; after rollback (a closed rollout) a new deploy', async () => {
    await createService(pg.current, 'broken');
    assert.equal((await runCli(['pin', 'broken', '--yes'], { env: env() })).code, 0);
    const dep = await runCli(
      [
        'deploy',
        'broken',
        '--image',
        'ghcr.io/bgctl/hello:v2',
        '--annotation',
        'sim.bgctl.dev/fail=ContainerMissing',
        '--yes',
      ],
      { env: env() },
    );
    assert.notEqual(dep.code, 0, dep.stderr);
    const failed = JSON.parse((await runCli(['status', 'broken', '-o', 'json'], { env: env() })).stdout);
    assert.equal(failed.rollout.phase, 'deployed');
    assert.equal(failed.next.command, 'bgctl rollback broken');
    const rb = await runCli(['rollback', 'broken', '--yes'], { env: env() });
    assert.equal(rb.code, 0, rb.stderr);
    const closed = JSON.parse((await runCli(['status', 'broken', '-o', 'json'], { env: env() })).stdout);
    assert.equal(closed.rollout.phase, 'rolled-back');
    assert.equal(closed.next.command, 'bgctl deploy broken --image IMAGE');
  });

  test('next after abort of a staged rollout is a new deploy, not stage', async () => {
    await stagedService(pg.current, 'halted');
    const ab = await runCli(['rollout', 'halted', '--abort', '--yes'], { env: env() });
    assert.equal(ab.code, 0, ab.stderr);
    const doc = JSON.parse((await runCli(['status', 'halted', '-o', 'json'], { env: env() })).stdout);
    assert.equal(doc.rollout.phase, 'aborted');
    assert.equal(doc.next.command, 'bgctl deploy halted --image IMAGE');
  });
});
