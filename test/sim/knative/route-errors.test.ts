// Route refusals as upstream orders them: RevisionNotOwned before readiness (traffic.go
// addRevisionTarget), and a new generation with a missing target keeps IngressReady Unknown
// IngressNotConfigured (route.go ReconcileKind) instead of the previous generation's True.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cond, isFailed, isReady, startHarness, template, type Harness } from './harness.js';

describe('route errors', () => {
  let h: Harness;
  before(() => {
    h = startHarness();
  });
  after(() => h.close());

  test('a revision of another service that is not ready yet: RevisionNotOwned at once, not RevisionMissing', async () => {
    h.createService('owner', { template: template('img:1', { 'sim.bgctl.dev/ready-after': '60s' }) });
    await h.waitFor('revisions', 'owner-00001', (o) => Boolean(o.status?.conditions), 'revision reconciled');
    h.createService('thief', { template: template('img:1'), traffic: [{ revisionName: 'owner-00001', percent: 100 }] });
    const route = await h.waitFor('routes', 'thief', isFailed, 'route refused');
    assert.deepEqual(
      { reason: cond(route, 'AllTrafficAssigned')?.reason, message: cond(route, 'AllTrafficAssigned')?.message },
      {
        reason: 'RevisionNotOwned',
        message: 'Revision "owner-00001" belongs to Service "owner", not Service "thief".',
      },
    );
  });

  test('a new generation pointing at a missing revision: IngressReady Unknown IngressNotConfigured', async () => {
    h.createService('gone', { template: template('img:1') });
    await h.waitFor('services', 'gone', isReady, 'ready');
    h.mergePatch('services', 'gone', { spec: { traffic: [{ revisionName: 'gone-00009', percent: 100 }] } });
    const route = await h.waitFor('routes', 'gone', (o) => isFailed(o) && o.metadata.generation === 2, 'route failed');
    assert.equal(cond(route, 'AllTrafficAssigned')?.reason, 'RevisionMissing');
    assert.deepEqual(
      {
        status: cond(route, 'IngressReady')?.status,
        reason: cond(route, 'IngressReady')?.reason,
        message: cond(route, 'IngressReady')?.message,
      },
      { status: 'Unknown', reason: 'IngressNotConfigured', message: 'Ingress has not yet been reconciled.' },
    );
  });
});
