import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ConditionManager, REVISION_CONDITIONS, SERVICE_CONDITIONS } from '../../../src/sim/knative/conditions.js';

const NOW = '2026-11-26T12:00:00Z';

describe('ConditionManager (living condition sets)', () => {
  test('initialize creates Ready and the dependents as Unknown, sorted by type', () => {
    const cm = new ConditionManager(SERVICE_CONDITIONS, undefined);
    cm.initialize();
    assert.deepEqual(
      cm.result(NOW).map((c) => `${c.type}=${c.status}`),
      ['ConfigurationsReady=Unknown', 'Ready=Unknown', 'RoutesReady=Unknown'],
    );
  });

  test('when both dependents are False, Ready carries the reason marked last (the Route)', () => {
    const cm = new ConditionManager(SERVICE_CONDITIONS, undefined);
    cm.initialize();
    cm.markFalse('ConfigurationsReady', 'RevisionFailed', 'config msg');
    cm.markFalse('RoutesReady', 'RevisionMissing', 'route msg');
    const ready = cm.result(NOW).find((c) => c.type === 'Ready')!;
    assert.equal(ready.status, 'False');
    assert.equal(ready.reason, 'RevisionMissing');
    assert.equal(ready.message, 'route msg');
  });

  test('Unknown after a False dependent keeps Ready False', () => {
    const cm = new ConditionManager(SERVICE_CONDITIONS, undefined);
    cm.initialize();
    cm.markFalse('ConfigurationsReady', 'RevisionFailed', 'boom');
    cm.markUnknown('RoutesReady', 'OutOfDate', 'working');
    assert.equal(cm.get('Ready')!.status, 'False');
    assert.equal(cm.get('Ready')!.reason, 'RevisionFailed');
  });

  test('marking a dependent True recomputes Ready from the remaining unhappy one', () => {
    const cm = new ConditionManager(SERVICE_CONDITIONS, undefined);
    cm.initialize();
    cm.markUnknown('RoutesReady', 'IngressNotConfigured', 'Ingress has not yet been reconciled.');
    cm.markTrue('ConfigurationsReady');
    assert.equal(cm.get('Ready')!.reason, 'IngressNotConfigured');
    cm.markTrue('RoutesReady');
    const ready = cm.get('Ready')!;
    assert.equal(ready.status, 'True');
    assert.equal(ready.reason, undefined);
  });

  test('informational conditions carry severity Info and never feed Ready', () => {
    const cm = new ConditionManager(REVISION_CONDITIONS, undefined);
    cm.initialize();
    cm.markTrue('ResourcesAvailable');
    cm.markTrue('ContainerHealthy');
    cm.markUnknown('Active', 'Queued', 'buffered');
    const out = cm.result(NOW);
    assert.deepEqual(
      out.map((c) => c.type),
      ['Active', 'ContainerHealthy', 'Ready', 'ResourcesAvailable'],
    );
    assert.equal(out[0].severity, 'Info');
    assert.equal(out[2].status, 'True');
    assert.equal(out[2].severity, undefined);
  });

  test('lastTransitionTime moves only for conditions that changed', () => {
    const old = [
      { type: 'ConfigurationsReady', status: 'True' as const, lastTransitionTime: '2026-01-01T00:00:00Z' },
      { type: 'Ready', status: 'True' as const, lastTransitionTime: '2026-01-01T00:00:00Z' },
      { type: 'RoutesReady', status: 'True' as const, lastTransitionTime: '2026-01-01T00:00:00Z' },
    ];
    const cm = new ConditionManager(SERVICE_CONDITIONS, old);
    cm.initialize();
    // A transient change that is undone in the same pass keeps the old time.
    cm.markUnknown('Ready', 'NewObservedGenFailure', 'unsuccessfully observed a new generation');
    cm.markTrue('ConfigurationsReady');
    cm.markUnknown('RoutesReady', 'OutOfDate', 'working');
    const out = cm.result(NOW);
    assert.equal(out.find((c) => c.type === 'ConfigurationsReady')!.lastTransitionTime, '2026-01-01T00:00:00Z');
    assert.equal(out.find((c) => c.type === 'RoutesReady')!.lastTransitionTime, NOW);
    assert.equal(out.find((c) => c.type === 'Ready')!.lastTransitionTime, NOW);
  });
});
