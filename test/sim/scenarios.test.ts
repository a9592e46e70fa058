// Upstream Knative scenarios (knative-serving.md §7), driven through the Registry in-process.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError, type KObject } from '../../src/sim/api/contracts.js';
import { startIngress } from '../../src/sim/ingress.js';
import { cond, isFailed, isReady, startHarness, template, USER, type Harness } from './knative/harness.js';
import { ingressGet } from '../helpers/ingress.js';

type Target = { tag?: string; revisionName?: string; percent?: number; latestRevision?: boolean; url?: string };

const get = (port: number, host: string) => ingressGet(`127.0.0.1:${port}`, host);

/** status.traffic keyed by tag, read the way TestServiceWithTrafficSplit reads it. */
function byTag(svc: KObject): Record<string, { revisionName?: string; percent: number; latestRevision: boolean }> {
  const out: Record<string, { revisionName?: string; percent: number; latestRevision: boolean }> = {};
  for (const t of (svc.status?.traffic ?? []) as Target[])
    out[t.tag ?? ''] = {
      revisionName: t.revisionName,
      percent: t.percent ?? 0,
      latestRevision: t.latestRevision ?? false,
    };
  return out;
}

describe('upstream scenarios', () => {
  let h: Harness;
  before(() => {
    h = startHarness();
  });
  after(() => h.close());

  test('TestBlueGreenRoute: tag hosts answer only their revision, the main host both', async () => {
    h.createService('bg', { template: template('ghcr.io/x/pizza:v1') });
    const first = await h.waitFor('services', 'bg', isReady, 'ready');
    assert.equal(first.status.observedGeneration, 1);
    assert.ok(new URL(first.status.url).host);
    const blue = first.status.latestReadyRevisionName;
    assert.equal(blue, 'bg-00001');
    assert.equal(first.status.latestCreatedRevisionName, blue);

    // Get + full Update, as the conformance test does.
    const cur = h.get('services', 'bg');
    cur.spec.template.spec.containers[0].image = 'ghcr.io/x/pizza:v2';
    h.registry.update(h.defs.services, 'default', cur, USER);
    const created = await h.waitFor(
      'services',
      'bg',
      (o) => o.status?.latestCreatedRevisionName !== blue,
      'new revision',
    );
    const green = created.status.latestCreatedRevisionName;
    await h.waitFor('services', 'bg', (o) => o.status?.latestReadyRevisionName === green, 'green ready');

    h.mergePatch('services', 'bg', {
      spec: {
        traffic: [
          { tag: 'blue', revisionName: blue, percent: 50 },
          { tag: 'green', revisionName: green, percent: 50 },
        ],
      },
    });
    const svc = await h.waitFor('services', 'bg', isReady, 'ready after split');
    const traffic = svc.status.traffic as Target[];
    const blueUrl = traffic.find((t) => t.tag === 'blue')?.url;
    const greenUrl = traffic.find((t) => t.tag === 'green')?.url;
    assert.equal(blueUrl, 'http://blue-bg.default.example.com');
    assert.equal(greenUrl, 'http://green-bg.default.example.com');
    assert.equal(svc.status.url, 'http://bg.default.example.com');

    const ing = await startIngress(h.registry);
    try {
      assert.equal(ing.address, `127.0.0.1:${ing.port}`);
      const tealHost = new URL(svc.status.url).host;
      const seen = { [blue]: 0, [green]: 0 } as Record<string, number>;
      const results = await Promise.all([
        ...Array.from({ length: 20 }, () => get(ing.port, tealHost)),
        ...Array.from({ length: 10 }, () => get(ing.port, new URL(blueUrl!).host)),
        ...Array.from({ length: 10 }, () => get(ing.port, new URL(greenUrl!).host)),
      ]);
      for (const r of results.slice(0, 20)) {
        assert.equal(r.status, 200);
        seen[r.revision!]++;
      }
      assert.ok(seen[blue] >= 5 && seen[green] >= 5, `teal split ${JSON.stringify(seen)}`);
      for (const r of results.slice(20, 30))
        assert.equal(r.body, `Hello from ${blue} (service bg, image ghcr.io/x/pizza:v1)\n`);
      for (const r of results.slice(30))
        assert.equal(r.body, `Hello from ${green} (service bg, image ghcr.io/x/pizza:v2)\n`);
    } finally {
      await ing.stop();
    }
  });

  test('TestServiceWithTrafficSplit: latest follows, pinned tags stay', async () => {
    h.createService('split', { template: template('img:1') });
    await h.waitFor('services', 'split', isReady, 'ready');
    const r1 = 'split-00001';
    const expect = async (
      want: Record<string, { revisionName: string; percent: number; latestRevision: boolean }>,
      what: string,
    ) => {
      const svc = await h.waitFor(
        'services',
        'split',
        (o) => isReady(o) && JSON.stringify(byTag(o)) === JSON.stringify(want),
        what,
      );
      assert.deepEqual(byTag(svc), want);
    };
    h.mergePatch('services', 'split', {
      spec: { traffic: [{ tag: 'current', revisionName: r1, percent: 100 }, { tag: 'latest' }] },
    });
    await expect(
      {
        current: { revisionName: r1, percent: 100, latestRevision: false },
        latest: { revisionName: r1, percent: 0, latestRevision: true },
      },
      'step 1',
    );

    h.mergePatch('services', 'split', { spec: { template: template('img:2') } });
    const r2 = 'split-00002';
    await expect(
      {
        current: { revisionName: r1, percent: 100, latestRevision: false },
        latest: { revisionName: r2, percent: 0, latestRevision: true },
      },
      'step 2',
    );

    h.mergePatch('services', 'split', {
      spec: {
        traffic: [
          { tag: 'current', revisionName: r1, percent: 50 },
          { tag: 'candidate', revisionName: r2, percent: 50 },
          { tag: 'latest' },
        ],
      },
    });
    await expect(
      {
        current: { revisionName: r1, percent: 50, latestRevision: false },
        candidate: { revisionName: r2, percent: 50, latestRevision: false },
        latest: { revisionName: r2, percent: 0, latestRevision: true },
      },
      'step 3',
    );

    h.mergePatch('services', 'split', { spec: { template: template('img:3') } });
    const r3 = 'split-00003';
    await expect(
      {
        current: { revisionName: r1, percent: 50, latestRevision: false },
        candidate: { revisionName: r2, percent: 50, latestRevision: false },
        latest: { revisionName: r3, percent: 0, latestRevision: true },
      },
      'step 4',
    );

    h.mergePatch('services', 'split', {
      spec: {
        traffic: [
          { tag: 'current', revisionName: r1, percent: 50 },
          { tag: 'candidate', percent: 50 },
          { tag: 'latest' },
        ],
      },
    });
    await expect(
      {
        current: { revisionName: r1, percent: 50, latestRevision: false },
        candidate: { revisionName: r3, percent: 50, latestRevision: true },
        latest: { revisionName: r3, percent: 0, latestRevision: true },
      },
      'step 5',
    );
  });

  test('TestServiceBYOName: the BYO name becomes latestCreated; an image-only update is rejected', async () => {
    h.createService('byo', { template: template('img:1', undefined, 'byo-byoname') });
    const svc = await h.waitFor('services', 'byo', isReady, 'ready');
    assert.equal(svc.status.latestCreatedRevisionName, 'byo-byoname');
    assert.equal(svc.status.latestReadyRevisionName, 'byo-byoname');
    assert.throws(
      () => h.mergePatch('services', 'byo', { spec: { template: { spec: { containers: [{ image: 'img:2' }] } } } }),
      (e: unknown) => e instanceof StatusError && e.code === 400,
    );
  });

  test('TestRollbackBYOName: rename + pin in one JSON Patch, then back reuses the old revision', async () => {
    h.createService('rb', {
      template: template('img:1', undefined, 'rb-byo-foo'),
      traffic: [{ revisionName: 'rb-byo-foo', percent: 100 }],
    });
    await h.waitFor('services', 'rb', isReady, 'ready');
    const original = h.get('services', 'rb').spec;
    h.registry.patch(
      h.defs.services,
      'default',
      'rb',
      'json',
      [
        { op: 'replace', path: '/spec/template/metadata/name', value: 'rb-byo-foo-new' },
        { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'img:2' },
        { op: 'replace', path: '/spec/traffic', value: [{ revisionName: 'rb-byo-foo-new', percent: 100 }] },
      ],
      USER,
    );
    const moved = await h.waitFor(
      'services',
      'rb',
      (o) => isReady(o) && o.status.latestCreatedRevisionName === 'rb-byo-foo-new',
      'new revision',
    );
    assert.equal(moved.status.traffic[0].revisionName, 'rb-byo-foo-new');

    h.mergePatch('services', 'rb', { spec: original });
    const back = await h.waitFor(
      'services',
      'rb',
      (o) => isReady(o) && o.status.traffic?.[0]?.revisionName === 'rb-byo-foo',
      'rolled back',
    );
    assert.equal(back.status.traffic[0].percent, 100);
    assert.equal(back.status.latestCreatedRevisionName, 'rb-byo-foo');
    assert.equal(back.status.latestReadyRevisionName, 'rb-byo-foo');
    const revs = h.registry
      .list(h.defs.revisions, 'default', { labelSelector: 'serving.knative.dev/service=rb' })
      .items.map((r) => r.metadata.name)
      .sort();
    assert.deepEqual(revs, ['rb-byo-foo', 'rb-byo-foo-new']);
  });

  test('RevisionNameTaken: a BYO name held by a foreign revision fails the Configuration and stops the Route', async () => {
    h.createService('taken', { template: template('img:1', undefined, 'taken-one') });
    await h.waitFor('services', 'taken', isReady, 'ready');
    // Another Service's revision under the name we will ask for.
    h.createService('thief', { template: template('img:x') });
    await h.waitFor('services', 'thief', isReady, 'thief ready');
    const foreign = h.get('revisions', 'thief-00001');
    const {
      uid: _u,
      resourceVersion: _r,
      creationTimestamp: _c,
      generation: _g,
      managedFields: _m,
      ...meta
    } = foreign.metadata;
    h.registry.create(
      h.defs.revisions,
      'default',
      {
        apiVersion: foreign.apiVersion,
        kind: 'Revision',
        metadata: { ...meta, name: 'taken-two' },
        spec: foreign.spec,
      },
      USER,
    );
    const routeGen = h.get('routes', 'taken').metadata.generation;

    h.mergePatch('services', 'taken', {
      spec: {
        template: template('img:2', undefined, 'taken-two'),
        traffic: [{ revisionName: 'taken-two', percent: 100 }],
      },
    });
    const svc = await h.waitFor(
      'services',
      'taken',
      (o) => cond(o, 'RoutesReady')?.reason === 'RevisionNameTaken',
      'name taken',
    );
    assert.equal(cond(svc, 'RoutesReady')!.status, 'False');
    assert.equal(
      cond(svc, 'RoutesReady')!.message,
      'The revision name "taken-two" is taken by a conflicting Revision, so traffic will not be migrated',
    );
    assert.ok(isFailed(svc));
    const cfg = h.get('configurations', 'taken');
    assert.equal(cond(cfg, 'Ready')!.reason, 'RevisionFailed');
    assert.equal(
      cond(cfg, 'Ready')!.message,
      'Revision creation failed with message: revisions.serving.knative.dev "taken-two" already exists.',
    );
    assert.equal(h.get('routes', 'taken').metadata.generation, routeGen, 'the Route is not touched');
  });

  test('TestRoutesNotReady: traffic to a missing revision fails Route and Service, keeps url', async () => {
    h.createService('nr', { template: template('img:1'), traffic: [{ revisionName: 'foobar', percent: 100 }] });
    const svc = await h.waitFor('services', 'nr', isFailed, 'failed');
    assert.equal(cond(svc, 'RoutesReady')!.status, 'False');
    assert.equal(cond(svc, 'Ready')!.reason, 'RevisionMissing');
    assert.equal(cond(svc, 'Ready')!.message, 'Revision "foobar" referenced in traffic not found.');
    const route = await h.waitFor('routes', 'nr', isFailed, 'route failed');
    assert.equal(cond(route, 'AllTrafficAssigned')!.reason, 'RevisionMissing');
    assert.equal(route.status.url, 'http://nr.default.example.com');
    assert.equal(route.status.traffic, undefined);
    assert.equal(route.status.address, undefined);
  });

  test('a missing revision keeps the previous status.traffic (§1.7 F)', async () => {
    h.createService('keep', { template: template('img:1') });
    await h.waitFor('services', 'keep', isReady, 'ready');
    h.mergePatch('services', 'keep', {
      spec: {
        traffic: [
          { revisionName: 'keep-00001', percent: 50 },
          { revisionName: 'nope', percent: 50 },
        ],
      },
    });
    const svc = await h.waitFor('services', 'keep', isFailed, 'failed');
    assert.deepEqual(svc.status.traffic, [{ revisionName: 'keep-00001', latestRevision: true, percent: 100 }]);
  });

  for (const [fail, reason, message] of [
    [
      'ContainerMissing',
      'ContainerMissing',
      /^Unable to fetch image "ghcr\.io\/x\/missing:v9": failed to resolve image to digest: GET https:\/\/ghcr\.io\/v2\/x\/missing\/manifests\/v9: MANIFEST_UNKNOWN/,
    ],
    ['ExitCode1', 'ExitCode1', /^Container failed with: /],
  ] as const) {
    test(`TestContainerErrorMsg/ExitingMsg: ${fail} fails revision, configuration, route and service`, async () => {
      const name = `fail-${fail.toLowerCase()}`;
      h.createService(name, {
        template: template('ghcr.io/x/missing:v9', { 'sim.bgctl.dev/fail': fail, 'sim.bgctl.dev/ready-after': '50ms' }),
      });
      const svc = await h.waitFor(
        'services',
        name,
        (o) => isFailed(o) && cond(o, 'RoutesReady')?.status === 'False',
        'failed',
      );
      assert.equal(cond(svc, 'ConfigurationsReady')!.status, 'False');
      assert.equal(cond(svc, 'Ready')!.reason, 'RevisionMissing', 'the Route reason wins');
      assert.equal(cond(svc, 'Ready')!.message, `Configuration "${name}" does not have any ready Revision.`);
      assert.equal(svc.status.latestCreatedRevisionName, `${name}-00001`);
      assert.equal(svc.status.latestReadyRevisionName, undefined);
      const rev = h.get('revisions', `${name}-00001`);
      assert.equal(cond(rev, 'Ready')!.status, 'False');
      assert.equal(cond(rev, 'ContainerHealthy')!.reason, reason);
      assert.match(cond(rev, 'ContainerHealthy')!.message!, message);
      assert.equal(cond(rev, 'Ready')!.message, cond(rev, 'ContainerHealthy')!.message);
      const cfg = h.get('configurations', name);
      assert.equal(cond(cfg, 'Ready')!.reason, 'RevisionFailed');
      assert.equal(
        cond(cfg, 'Ready')!.message,
        `Revision "${name}-00001" failed with message: ${cond(rev, 'Ready')!.message}.`,
      );
      assert.ok(isFailed(h.get('routes', name)));
    });
  }

  test('a later revision fails while traffic follows latest (§1.7 E)', async () => {
    h.createService('later', { template: template('img:1') });
    await h.waitFor('services', 'later', isReady, 'ready');
    h.mergePatch('services', 'later', {
      spec: { template: template('img:2', { 'sim.bgctl.dev/fail': 'ExitCode1', 'sim.bgctl.dev/ready-after': '20ms' }) },
    });
    const svc = await h.waitFor(
      'services',
      'later',
      (o) => isFailed(o) && o.status.latestCreatedRevisionName === 'later-00002',
      'failed',
    );
    assert.equal(svc.status.latestReadyRevisionName, 'later-00001');
    assert.equal(cond(svc, 'RoutesReady')!.status, 'True');
    assert.equal(cond(svc, 'Ready')!.reason, 'RevisionFailed');
    assert.match(
      cond(svc, 'Ready')!.message!,
      /^Revision "later-00002" failed with message: Container failed with: .*\.$/,
    );
    assert.equal(svc.status.traffic[0].revisionName, 'later-00001');
  });

  test("RevisionNotOwned: a Service may not route to another Service's revision", async () => {
    h.createService('own-a', { template: template('img:a') });
    h.createService('own-b', { template: template('img:b') });
    await h.waitFor('services', 'own-a', isReady, 'a ready');
    await h.waitFor('services', 'own-b', isReady, 'b ready');
    h.mergePatch('services', 'own-b', { spec: { traffic: [{ revisionName: 'own-a-00001', percent: 100 }] } });
    const svc = await h.waitFor('services', 'own-b', isFailed, 'failed');
    assert.equal(cond(svc, 'RoutesReady')!.reason, 'RevisionNotOwned');
    assert.equal(
      cond(svc, 'RoutesReady')!.message,
      'Revision "own-a-00001" belongs to Service "own-a", not Service "own-b".',
    );
  });

  test('ErrorConfig: a tag whose host label passes 63 characters', async () => {
    h.createService('longtag', { template: template('img:1') });
    await h.waitFor('services', 'longtag', isReady, 'ready');
    const tag = 't'.repeat(60);
    h.mergePatch('services', 'longtag', { spec: { traffic: [{ tag, revisionName: 'longtag-00001', percent: 100 }] } });
    const svc = await h.waitFor('services', 'longtag', isFailed, 'failed');
    assert.equal(cond(svc, 'RoutesReady')!.reason, 'ErrorConfig');
    const host = `${tag}-longtag.default.example.com`;
    assert.equal(
      cond(svc, 'RoutesReady')!.message,
      `domain name error: invalid domain name "${host}": url: Invalid value: "${tag}-longtag": must be no more than 63 characters`,
    );
  });

  test('revision names follow the Configuration generation, not the Service generation', async () => {
    h.createService('gen', { template: template('img:1') });
    await h.waitFor('services', 'gen', isReady, 'ready');
    h.mergePatch('services', 'gen', { spec: { traffic: [{ tag: 'a', revisionName: 'gen-00001', percent: 100 }] } });
    await h.waitFor('services', 'gen', (o) => isReady(o) && o.metadata.generation === 2, 'traffic only');
    h.mergePatch('services', 'gen', { spec: { template: template('img:2') } });
    const svc = await h.waitFor(
      'services',
      'gen',
      (o) => isReady(o) && o.status.latestReadyRevisionName === 'gen-00002',
      'second revision',
    );
    assert.equal(svc.metadata.generation, 3);
    assert.equal(h.get('revisions', 'gen-00002').metadata.labels!['serving.knative.dev/configurationGeneration'], '2');
  });
});
