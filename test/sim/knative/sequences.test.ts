// The intermediate states of knative-serving.md §1.7 A–C, as a watcher and a poller see them.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../src/sim/api/contracts.js';
import { cond, condSummary, isReady, recordStates, startHarness, template, type Harness } from './harness.js';

const TYPES = ['ConfigurationsReady', 'RoutesReady', 'Ready'];
const render = (o: KObject) =>
  `${condSummary(o, TYPES)} created=${o.status?.latestCreatedRevisionName ?? ''} ready=${o.status?.latestReadyRevisionName ?? ''} traffic=${(
    o.status?.traffic ?? []
  )
    .map((t: { revisionName: string; percent: number }) => `${t.revisionName}:${t.percent}`)
    .join(',')}`;

/** Asserts that `want` (regexps) match states in this order, possibly with others between. */
function assertSubsequence(states: string[], want: RegExp[]): void {
  let i = 0;
  for (const s of states) if (i < want.length && want[i].test(s)) i++;
  assert.equal(i, want.length, `missing ${want[i]} in\n${states.join('\n')}`);
}

/** A poller on the harness clock: reads the Service every `everyMs` of simulated time. */
function startPoller(h: Harness, name: string, everyMs: number): { states: string[]; stop(): void } {
  const states: string[] = [];
  let cancel = (): void => {};
  const poll = (): void => {
    const o = h.tryGet('services', name);
    if (o) {
      const s = render(o);
      if (states[states.length - 1] !== s) states.push(s);
    }
    cancel = h.clock.after(everyMs, poll);
  };
  cancel = h.clock.after(everyMs, poll);
  return { states, stop: () => cancel() };
}

/** Gives the poller more rounds (simulated time) before its states are read. */
const settle = (h: Harness): void => h.clock.advance(100);

const A_STATES = [
  /ConfigurationsReady=Unknown\/OutOfDate RoutesReady=Unknown\/OutOfDate Ready=Unknown\/OutOfDate created= ready= traffic=$/,
  /ConfigurationsReady=Unknown\/ RoutesReady=Unknown\/RevisionMissing Ready=Unknown\/RevisionMissing created=seq-00001 ready= traffic=$/,
  /RoutesReady=Unknown\/IngressNotConfigured Ready=Unknown\/IngressNotConfigured created=seq-00001 ready=seq-00001 traffic=seq-00001:100$/,
  /ConfigurationsReady=True\/ RoutesReady=True\/ Ready=True\/ created=seq-00001 ready=seq-00001 traffic=seq-00001:100$/,
];
const B_STATES = [
  /ConfigurationsReady=Unknown\/OutOfDate RoutesReady=True\/ Ready=Unknown\/OutOfDate created=seq-00001/,
  /ConfigurationsReady=Unknown\/ RoutesReady=True\/ Ready=Unknown\/ created=seq-00002 ready=seq-00001 traffic=seq-00001:100$/,
  /ConfigurationsReady=True\/ RoutesReady=Unknown\/TrafficNotMigrated Ready=Unknown\/TrafficNotMigrated created=seq-00002 ready=seq-00002 traffic=seq-00001:100$/,
  /RoutesReady=Unknown\/IngressNotConfigured Ready=Unknown\/IngressNotConfigured created=seq-00002 ready=seq-00002 traffic=seq-00002:100$/,
  /Ready=True\/ created=seq-00002 ready=seq-00002 traffic=seq-00002:100$/,
];
const C_STATES = [
  /RoutesReady=Unknown\/OutOfDate Ready=Unknown\/OutOfDate .* traffic=seq-00002:100$/,
  /RoutesReady=Unknown\/IngressNotConfigured Ready=Unknown\/IngressNotConfigured .* traffic=seq-00001:50,seq-00002:50$/,
  /RoutesReady=True\/ Ready=True\/ .* traffic=seq-00001:50,seq-00002:50$/,
];

describe('§1.7 intermediate states', () => {
  let h: Harness;
  before(() => {
    h = startHarness();
  });
  after(() => h.close());

  test('A, B and C, seen by a watcher and by a 40 ms poller', async () => {
    const watcher = recordStates(h, 'services', 'seq', render);
    const poller = startPoller(h, 'seq', 40);
    try {
      h.createService('seq', { template: template('img:v1') });
      const svc = await h.waitFor('services', 'seq', isReady, 'ready (A)');
      assert.equal(svc.status.observedGeneration, 1);
      settle(h);
      assertSubsequence(watcher.states, A_STATES);
      assertSubsequence(poller.states, A_STATES);

      const a = watcher.states.length;
      const pa = poller.states.length;
      h.mergePatch('services', 'seq', { spec: { template: template('img:v2') } });
      await h.waitFor(
        'services',
        'seq',
        (o) =>
          isReady(o) &&
          o.status.latestReadyRevisionName === 'seq-00002' &&
          o.status.traffic?.[0]?.revisionName === 'seq-00002',
        'ready (B)',
      );
      settle(h);
      assertSubsequence(watcher.states.slice(a), B_STATES);
      assertSubsequence(poller.states.slice(pa), B_STATES);

      const b = watcher.states.length;
      const pb = poller.states.length;
      h.mergePatch('services', 'seq', {
        spec: {
          traffic: [
            { tag: 'blue', revisionName: 'seq-00001', percent: 50 },
            { tag: 'green', revisionName: 'seq-00002', percent: 50 },
          ],
        },
      });
      await h.waitFor('services', 'seq', (o) => isReady(o) && o.status.traffic?.length === 2, 'ready (C)');
      settle(h);
      assertSubsequence(watcher.states.slice(b), C_STATES);
      assertSubsequence(poller.states.slice(pb), C_STATES);
      // C creates no revision: the Configuration is untouched.
      assert.equal(h.get('configurations', 'seq').metadata.generation, 2);
      assert.equal(h.registry.list(h.defs.revisions, 'default').items.length, 2);
    } finally {
      watcher.stop();
      poller.stop();
    }
    assert.deepEqual(h.errors, []);
  });

  test('A: the messages of the waiting states are verbatim', async () => {
    const seen = new Map<string, string>();
    const stop = h.registry.watch(h.defs.services, 'default', { fieldSelector: 'metadata.name=msgs' }, (ev) => {
      const o = ev.object as KObject;
      for (const t of TYPES) {
        const c = cond(o, t);
        if (c?.reason) seen.set(`${t}/${c.reason}`, c.message ?? '');
      }
    });
    try {
      h.createService('msgs', { template: template('img:v1') });
      await h.waitFor('services', 'msgs', isReady, 'ready');
    } finally {
      stop();
    }
    assert.equal(
      seen.get('ConfigurationsReady/OutOfDate'),
      'The Configuration is still working to reflect the latest desired specification.',
    );
    assert.equal(
      seen.get('RoutesReady/OutOfDate'),
      'The Route is still working to reflect the latest desired specification.',
    );
    assert.equal(
      seen.get('Ready/OutOfDate'),
      'The Route is still working to reflect the latest desired specification.',
    );
    assert.equal(
      seen.get('RoutesReady/RevisionMissing'),
      'Configuration "msgs" is waiting for a Revision to become ready.',
    );
    assert.equal(seen.get('RoutesReady/IngressNotConfigured'), 'Ingress has not yet been reconciled.');
  });
});
