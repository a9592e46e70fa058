// Revision GC (knative-serving.md §6.1): the collector on its own over hand-made revisions with
// a fake clock, then through the controllers the way `bgctl promote` relies on (no-gc).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../src/sim/api/contracts.js';
import { createRegistry } from '../../../src/sim/api/registry.js';
import { collectRevisions, DEFAULT_GC, type GcConfig } from '../../../src/sim/knative/gc.js';
import { DEFAULT_TIMING } from '../../../src/sim/knative/index.js';
import { Runtime } from '../../../src/sim/knative/runtime.js';
import { isReady, startHarness, template, type Harness } from './harness.js';

const H = 3600_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const CTX = { user: 'test' };

/** A registry (no controllers) with a fake clock, and a Runtime over it with the given config-gc. */
function world(gc: Partial<GcConfig> = {}) {
  let now = T0;
  const registry = createRegistry({ now: () => new Date(now) });
  registry.create(
    registry.resource('namespaces', '')!,
    undefined,
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
    CTX,
  );
  const rt = new Runtime(
    registry,
    { domain: 'example.com', domainTemplate: '', tagTemplate: '' },
    DEFAULT_TIMING,
    'controller',
    { ...DEFAULT_GC, ...gc },
    () => new Date(now),
  );
  const revDef = registry.resource('revisions', 'serving.knative.dev')!;
  return {
    rt,
    at(ms: number) {
      now = T0 + ms;
    },
    /** A revision of configuration `web` created at the current fake time. */
    rev(
      n: number,
      state: 'active' | 'reserve' | 'pending',
      opts: { lastActiveAt?: number; noGc?: string; config?: string } = {},
    ) {
      const annotations: Record<string, string> = {};
      if (opts.lastActiveAt !== undefined)
        annotations['serving.knative.dev/routingStateModified'] = new Date(T0 + opts.lastActiveAt)
          .toISOString()
          .replace(/\.\d+Z$/, 'Z');
      if (opts.noGc !== undefined) annotations['serving.knative.dev/no-gc'] = opts.noGc;
      const cfg = opts.config ?? 'web';
      registry.create(
        revDef,
        'default',
        {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Revision',
          metadata: {
            name: `${cfg}-${String(n).padStart(5, '0')}`,
            labels: { 'serving.knative.dev/configuration': cfg, 'serving.knative.dev/routingState': state },
            annotations,
          },
          spec: { containers: [{ image: `img:${n}` }] },
        },
        CTX,
      );
    },
    names: () =>
      registry
        .list(revDef, 'default')
        .items.map((r) => r.metadata.name)
        .sort(),
    close: () => registry.close(),
  };
}

const config = (latestReady: string): KObject => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Configuration',
  metadata: { name: 'web', namespace: 'default' },
  status: { latestReadyRevisionName: latestReady },
});

describe('revision GC: the collector', () => {
  test('with the shipped config-gc nothing goes for 48h, and then only past the 20 kept', () => {
    const w = world();
    for (let i = 1; i <= 25; i++) w.rev(i, 'reserve', { lastActiveAt: 0 });
    w.rev(26, 'active');
    w.at(47 * H);
    assert.deepEqual(collectRevisions(w.rt, config('web-00026')), { requeueAfterMs: H });
    assert.equal(w.names().length, 26);
    w.at(49 * H);
    collectRevisions(w.rt, config('web-00026'));
    // 25 stale non-active revisions, 20 must stay: the 5 oldest by last-active time go.
    assert.deepEqual(
      w.names(),
      Array.from({ length: 21 }, (_, i) => `web-${String(i + 6).padStart(5, '0')}`),
    );
    w.close();
  });

  test('latestReady, no-gc: "true" and anything not in reserve are never collected', () => {
    const w = world({ retainSinceCreateTimeMs: 0, retainSinceLastActiveTimeMs: 0, minNonActiveRevisions: 0 });
    w.rev(1, 'reserve', { lastActiveAt: 0 });
    w.rev(2, 'reserve', { lastActiveAt: 0, noGc: 'true' });
    w.rev(3, 'reserve', { lastActiveAt: 0, noGc: 'TRUE' });
    w.rev(4, 'reserve', { lastActiveAt: 0, noGc: 'false' });
    w.rev(5, 'active');
    w.rev(6, 'pending');
    w.rev(7, 'reserve', { lastActiveAt: 0 });
    w.rev(1, 'reserve', { config: 'other' });
    w.at(1000);
    assert.deepEqual(collectRevisions(w.rt, config('web-00007')), {});
    assert.deepEqual(w.names(), ['other-00001', 'web-00002', 'web-00003', 'web-00005', 'web-00006', 'web-00007']);
    w.close();
  });

  test('stale needs both time checks; oldest last-active goes first; min non-active stay', () => {
    const w = world({
      retainSinceCreateTimeMs: 10 * H,
      retainSinceLastActiveTimeMs: 5 * H,
      minNonActiveRevisions: 1,
      maxNonActiveRevisions: 'disabled',
    });
    w.rev(1, 'reserve', { lastActiveAt: 2 * H }); // created 0, inactive since 2h
    w.rev(2, 'reserve', { lastActiveAt: 1 * H }); // created 0, inactive since 1h: the oldest
    w.at(3 * H);
    w.rev(3, 'reserve', { lastActiveAt: 3 * H }); // created 3h
    w.rev(4, 'active');
    // At 9h: 1 and 2 are inactive long enough but younger than 10h.
    w.at(9 * H);
    assert.deepEqual(collectRevisions(w.rt, config('web-00004')), { requeueAfterMs: H });
    assert.equal(w.names().length, 4);
    // At 12h: 1 and 2 are stale, 3 is not (created 3h: stale at 13h). Stale ones go, oldest
    // first, and the pass ends there: only min (1) non-active revision is left.
    w.at(12 * H);
    assert.deepEqual(collectRevisions(w.rt, config('web-00004')), {});
    assert.deepEqual(w.names(), ['web-00003', 'web-00004']);
    // At 14h 3 is stale, but it is the last non-active one and min is 1.
    w.at(14 * H);
    assert.deepEqual(collectRevisions(w.rt, config('web-00004')), {});
    assert.deepEqual(w.names(), ['web-00003', 'web-00004']);
    w.close();
  });

  test('max-non-active-revisions removes the oldest past the cap even when not stale', () => {
    const w = world({
      retainSinceCreateTimeMs: 'disabled',
      retainSinceLastActiveTimeMs: 'disabled',
      minNonActiveRevisions: 0,
      maxNonActiveRevisions: 2,
    });
    for (let i = 1; i <= 5; i++) w.rev(i, 'reserve', { lastActiveAt: (10 - i) * 1000 });
    w.rev(6, 'active');
    w.at(20_000);
    assert.deepEqual(collectRevisions(w.rt, config('web-00006')), {});
    // Last active: 5 is the oldest (5s), 1 the newest (9s); the two newest stay.
    assert.deepEqual(w.names(), ['web-00001', 'web-00002', 'web-00006']);
    w.close();
  });

  test('everything disabled collects nothing', () => {
    const w = world({
      retainSinceCreateTimeMs: 'disabled',
      retainSinceLastActiveTimeMs: 'disabled',
      minNonActiveRevisions: 0,
      maxNonActiveRevisions: 'disabled',
    });
    for (let i = 1; i <= 3; i++) w.rev(i, 'reserve', { lastActiveAt: 0 });
    w.at(1000 * H);
    assert.deepEqual(collectRevisions(w.rt, config('web-00003')), {});
    assert.equal(w.names().length, 3);
    w.close();
  });
});

describe('revision GC: through the controllers', () => {
  let h: Harness;
  before(() => {
    // Only the cap is on, so what goes depends on the labeler's reserve marks, not on time.
    h = startHarness({
      gc: {
        retainSinceCreateTimeMs: 'disabled',
        retainSinceLastActiveTimeMs: 'disabled',
        minNonActiveRevisions: 0,
        maxNonActiveRevisions: 1,
      },
    });
  });
  after(() => h.close());

  const gone = (name: string) =>
    h.waitFor('configurations', 'gc', () => !h.tryGet('revisions', name), `${name} to be collected`);
  const newImage = async (n: number) => {
    h.mergePatch('services', 'gc', { spec: { template: template(`img:${n}`) } });
    await h.waitFor(
      'services',
      'gc',
      (o) => isReady(o) && o.status.traffic?.[0]?.revisionName === `gc-0000${n}`,
      `revision ${n} serving`,
    );
  };

  test('reserve revisions past the cap go; a no-gc one (as bgctl promote sets) stays', async () => {
    h.createService('gc', { template: template('img:1') });
    await h.waitFor('services', 'gc', isReady, 'ready');
    await newImage(2);
    await newImage(3);
    await gone('gc-00001');
    await newImage(4);
    await gone('gc-00002');
    assert.ok(h.tryGet('revisions', 'gc-00003'));
    h.mergePatch('revisions', 'gc-00003', { metadata: { annotations: { 'serving.knative.dev/no-gc': 'true' } } });
    await newImage(5);
    await newImage(6);
    await gone('gc-00004');
    assert.ok(h.tryGet('revisions', 'gc-00003'), 'no-gc keeps it');
    assert.ok(h.tryGet('revisions', 'gc-00005'));
    assert.deepEqual(h.errors, []);
  });
});
