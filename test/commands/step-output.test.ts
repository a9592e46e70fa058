// What the step verbs print and what they leave on the cluster when they must not write: dry runs
// (client and server), no --yes without a terminal, -o json documents, and golden human output
// with color off.
import { before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { requests, sim } from '../kube/sim-helpers.js';
import { cliEnv, createReadyService, getService, specTraffic } from './step-helpers.js';

describe('step verbs: dry runs, confirmation, documents, golden output', () => {
  const pg = usePlayground();
  const cli = (...argv: string[]) => runCli(argv, { env: cliEnv(pg.current) });
  before(async () => {
    await createReadyService(pg.current, 'gold');
  });
  beforeEach(async () => {
    await sim(pg.current, 'DELETE', 'requests');
  });

  test('--dry-run prints the plan on stdout, sends no write and leaves the resourceVersion', async () => {
    const rv = getService(pg.current, 'gold').metadata.resourceVersion;
    const r = await cli('pin', 'gold', '--dry-run');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'Plan: pin gold (namespace default)',
        '    REVISION               TAG   BEFORE   AFTER                       READY',
        '+   gold-00001             -          -   #################### 100%   True',
        '-   @latest (gold-00001)   -       100%   -                           True',
        '',
      ].join('\n'),
    );
    assert.equal(
      r.stderr,
      [
        'Note: replaced the floating latestRevision target (100%) with revision "gold-00001" pinned by name',
        'Note: pins are sticky: revisions deployed later get 0% until promoted (bgctl promote gold)',
        'Dry run: nothing was changed.',
        '',
      ].join('\n'),
    );
    assert.equal(getService(pg.current, 'gold').metadata.resourceVersion, rv);
    const writes = (await requests(pg.current)).filter((q) => !['get', 'list', 'watch'].includes(q.verb));
    assert.deepEqual(writes, []);
  });

  test('--dry-run -o json prints one TrafficPlan document', async () => {
    const r = await cli('pin', 'gold', '--dry-run', '-o', 'json');
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.apiVersion, 'bgctl.dev/v1');
    assert.equal(doc.kind, 'TrafficPlan');
    assert.equal(doc.dryRun, true);
    assert.equal(doc.action, 'pin');
    assert.deepEqual(doc.before, [{ latestRevision: true, percent: 100 }]);
    assert.deepEqual(doc.desired, [{ revisionName: 'gold-00001', latestRevision: false, percent: 100 }]);
    assert.equal(doc.diff.length, 2);
    for (const key of ['warnings', 'notices', 'annotations', 'revisionAnnotations']) assert.ok(key in doc, key);
    assert.equal(doc.notices.length, 2);
  });

  test('--dry-run=server sends the patch with dryRun=All and stores nothing', async () => {
    const rv = getService(pg.current, 'gold').metadata.resourceVersion;
    const r = await cli('pin', 'gold', '--dry-run=server');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Server dry run: the API server accepted the change \(dryRun=All\); nothing was stored\./);
    const patches = await requests(pg.current, { verb: 'patch', resource: 'services', name: 'gold' });
    assert.equal(patches.length, 1);
    assert.equal(patches[0].query.dryRun, 'All');
    assert.equal(patches[0].code, 200);
    assert.equal(getService(pg.current, 'gold').metadata.resourceVersion, rv);
    assert.deepEqual(specTraffic(pg.current, 'gold'), [{ latestRevision: true, percent: 100 }]);
  });

  test('deploy: client and server dry runs describe the same image change (old -> new)', async () => {
    const want = '  image: ghcr.io/bgctl/hello:v1 -> ghcr.io/bgctl/hello:ds';
    for (const mode of ['--dry-run', '--dry-run=server']) {
      const r = await cli('deploy', 'gold', '--image', 'ghcr.io/bgctl/hello:ds', mode);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.split('\n').includes(want), `${mode}:\n${r.stdout}`);
    }
    assert.equal(getService(pg.current, 'gold').spec.template?.spec?.containers?.[0]?.image, 'ghcr.io/bgctl/hello:v1');
  });

  test("--dry-run=server goes through the server's authorization; a client dry run only reads", async () => {
    const env = cliEnv(pg.current, { KUBECONFIG: pg.current.readOnlyKubeconfigPath });
    const client = await runCli(['pin', 'gold', '--dry-run', '-o', 'yaml'], { env });
    assert.equal(client.code, 0, client.stderr);
    assert.match(client.stdout, /^apiVersion: bgctl\.dev\/v1$/m);
    assert.match(client.stdout, /^kind: TrafficPlan$/m);
    const server = await runCli(['pin', 'gold', '--dry-run=server'], { env });
    assert.equal(server.code, 4, server.stderr);
    assert.equal(server.stdout, '');
    assert.match(server.stderr, /forbidden|not allowed/i);
  });

  test('without a terminal and without --yes: exit 2, the plan on stderr, no PATCH', async () => {
    const r = await cli('pin', 'gold');
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^Plan: pin gold/);
    assert.match(r.stderr, /Error: not running interactively: traffic moves only with --yes/);
    assert.deepEqual(await requests(pg.current, { verb: 'patch' }), []);
  });

  test('golden: the result table after stage, with the tag URLs', async () => {
    assert.equal((await cli('deploy', 'gold', '--image', 'ghcr.io/bgctl/hello:v2', '--yes')).code, 0);
    const r = await cli('stage', 'gold', '--tag', 'v2', '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'REVISION     TAG      TRAFFIC                     READY   URL',
        'gold-00001   stable   #################### 100%   True    http://stable-gold.default.example.com',
        'gold-00002   v2       ....................   0%   True    http://v2-gold.default.example.com',
        '',
        'URL: http://gold.default.example.com',
        'Candidate gold-00002 (tag v2): http://v2-gold.default.example.com',
        'Stable gold-00001 (tag stable): http://stable-gold.default.example.com',
        '',
      ].join('\n'),
    );
  });

  test('golden: a dry-run split plan', async () => {
    const r = await cli('split', 'gold', '--percent', '25', '--dry-run');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'Plan: split gold (namespace default)',
        '    REVISION     TAG      BEFORE   AFTER                       READY',
        '~   gold-00001   stable     100%   ###############.....  75%   True',
        '~   gold-00002   v2           0%   #####...............  25%   True',
        '',
      ].join('\n'),
    );
    assert.equal(r.stderr, 'Dry run: nothing was changed.\n');
  });

  test('-o json after a write prints one TrafficChange document', async () => {
    const r = await cli('split', 'gold', '--traffic', 'stable=60,v2=40', '--yes', '-o', 'json');
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.kind, 'TrafficChange');
    assert.equal(doc.apiVersion, 'bgctl.dev/v1');
    assert.equal(doc.action, 'split');
    assert.equal(doc.service, 'gold');
    assert.equal(doc.namespace, 'default');
    assert.equal(doc.url, 'http://gold.default.example.com');
    assert.equal(doc.attempts, 1);
    assert.deepEqual(doc.after, [
      { tag: 'stable', revisionName: 'gold-00001', latestRevision: false, percent: 60 },
      { tag: 'v2', revisionName: 'gold-00002', latestRevision: false, percent: 40 },
    ]);
    assert.deepEqual(doc.traffic, [
      {
        tag: 'stable',
        revisionName: 'gold-00001',
        latestRevision: false,
        percent: 60,
        url: 'http://stable-gold.default.example.com',
      },
      {
        tag: 'v2',
        revisionName: 'gold-00002',
        latestRevision: false,
        percent: 40,
        url: 'http://v2-gold.default.example.com',
      },
    ]);
    assert.equal(doc.before.find((t: { tag: string }) => t.tag === 'v2').percent, 0);
    assert.equal(doc.rollout.phase, 'split');
    assert.equal(doc.rollout.percent, 40);
    assert.equal(doc.rollout.startedBy, 'tester');
  });

  test('nothing to do: a note on stderr, exit 0, no write', async () => {
    const r = await cli('split', 'gold', '--percent', '40', '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Nothing to do: service gold is already as split would leave it\./);
    assert.deepEqual(await requests(pg.current, { verb: 'patch' }), []);
  });

  test('promote --dry-run=server also validates the no-gc annotation of the old revision', async () => {
    const r = await cli('promote', 'gold', '--dry-run=server');
    assert.equal(r.code, 0, r.stderr);
    const revPatches = await requests(pg.current, { verb: 'patch', resource: 'revisions', name: 'gold-00001' });
    assert.deepEqual(
      revPatches.map((q) => q.query.dryRun),
      ['All'],
    );
    assert.equal(
      getService(pg.current, 'gold').spec.traffic?.find((t) => t.revisionName === 'gold-00002')?.percent,
      40,
    );
  });
});
