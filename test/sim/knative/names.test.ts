import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  domainError,
  hostFor,
  revisionName,
  tagName,
  DEFAULT_DOMAIN_TEMPLATE,
  DEFAULT_TAG_TEMPLATE,
} from '../../../src/sim/knative/names.js';
import { durationMs, knobsOf } from '../../../src/sim/knative/knobs.js';

describe('revision names', () => {
  test('<cfg>-%05d from the configuration generation', () => {
    assert.equal(revisionName('hello', 1), 'hello-00001');
    assert.equal(revisionName('hello', 42), 'hello-00042');
    assert.equal(revisionName('hello', 123456), 'hello-123456');
  });

  test('long names: first 25 chars + md5 of the name + suffix, 63 chars', () => {
    const name = 'a'.repeat(30) + '-' + 'b'.repeat(27); // 58 chars: 58 + 6 > 63
    const got = revisionName(name, 1);
    assert.equal(got, name.slice(0, 25) + createHash('md5').update(name).digest('hex') + '-00001');
    assert.equal(got.length, 63);
    const fits = 'c'.repeat(57);
    assert.equal(revisionName(fits, 1), `${fits}-00001`);
  });
});

describe('hosts', () => {
  const cfg = { domain: 'example.com', domainTemplate: DEFAULT_DOMAIN_TEMPLATE, tagTemplate: DEFAULT_TAG_TEMPLATE };
  test('domain and tag templates', () => {
    assert.equal(hostFor(cfg, 'hello', 'default', false), 'hello.default.example.com');
    assert.equal(hostFor(cfg, tagName(cfg, 'hello', 'blue'), 'default', false), 'blue-hello.default.example.com');
  });
  test('cluster-local: by label, or because the domain is svc.cluster.local; custom templates are ignored', () => {
    const custom = { ...cfg, domainTemplate: '{{.Name}}-{{.Namespace}}.{{.Domain}}' };
    assert.equal(hostFor(custom, 'hello', 'default', false), 'hello-default.example.com');
    assert.equal(hostFor(custom, 'hello', 'default', true), 'hello.default.svc.cluster.local');
    assert.equal(
      hostFor({ ...cfg, domain: 'svc.cluster.local' }, 'hello', 'default', false),
      'hello.default.svc.cluster.local',
    );
  });
  test('labels over 63 characters are an ErrorConfig message', () => {
    const label = `${'t'.repeat(40)}-${'s'.repeat(30)}`;
    assert.equal(
      domainError(`${label}.default.example.com`),
      `domain name error: invalid domain name "${label}.default.example.com": url: Invalid value: "${label}": must be no more than 63 characters`,
    );
    assert.equal(domainError('blue-hello.default.example.com'), undefined);
  });
});

describe('revision knobs', () => {
  test('Go durations', () => {
    assert.equal(durationMs('300ms'), 300);
    assert.equal(durationMs('1.5s'), 1500);
    assert.equal(durationMs('1m30s'), 90_000);
    assert.equal(durationMs('0'), 0);
    assert.equal(durationMs('300'), undefined);
    assert.equal(durationMs('-1s'), undefined);
  });
  test('annotations, defaults and bad values', () => {
    assert.deepEqual(knobsOf(undefined, 300), { readyAfterMs: 300, latencyMs: 0, errorRate: 0 });
    const k = knobsOf({
      'sim.bgctl.dev/ready-after': '2s',
      'sim.bgctl.dev/latency': '25ms',
      'sim.bgctl.dev/error-rate': '0.25',
      'sim.bgctl.dev/fail': 'ExitCode1',
    });
    assert.deepEqual(k, {
      readyAfterMs: 2000,
      latencyMs: 25,
      errorRate: 0.25,
      fail: { reason: 'ExitCode1', exitCode: 1 },
    });
    assert.deepEqual(knobsOf({ 'sim.bgctl.dev/fail': 'ContainerMissing' }).fail, { reason: 'ContainerMissing' });
    const bad = knobsOf(
      { 'sim.bgctl.dev/ready-after': 'soon', 'sim.bgctl.dev/error-rate': 'x', 'sim.bgctl.dev/fail': 'Nope' },
      100,
    );
    assert.deepEqual(bad, { readyAfterMs: 100, latencyMs: 0, errorRate: 0 });
    assert.equal(knobsOf({ 'sim.bgctl.dev/error-rate': '7' }).errorRate, 1);
  });
});
