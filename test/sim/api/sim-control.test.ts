import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimControl } from '../../../src/sim/api/sim-control.js';

test('latency, like the faults, applies only to the verbs and resources given', () => {
  const c = new SimControl();
  assert.equal(c.setFaults({ latencyMs: 500 }), undefined);
  assert.equal(c.latencyMs('get', 'services'), 500, 'no filter: every request');
  c.setFaults({ latencyMs: 500, verbs: ['patch'], resources: ['services'] });
  assert.equal(c.latencyMs('patch', 'services'), 500);
  assert.equal(c.latencyMs('get', 'services'), 0, 'another verb');
  assert.equal(c.latencyMs('patch', 'routes'), 0, 'another resource');
  assert.equal(c.latencyMs('patch', undefined), 0, 'no resource');
  c.clearFaults();
  assert.equal(c.latencyMs('patch', 'services'), 0);
});
