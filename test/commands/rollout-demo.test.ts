// `bgctl demo` without a terminal: its own playground, the narrated unattended rollout, the final
// traffic on stdout, and nothing left running (the test process would not exit otherwise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';

test('bgctl demo without a terminal runs the whole rollout and prints the final traffic', async () => {
  const r = await runCli(['demo'], { env: { BGCTL_ACTOR: 'demo' }, now: () => new Date('2026-11-26T12:00:00Z') });
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^hello-00002 +candidate +#{20} 100% +True +http:\/\/candidate-hello\.default\.example\.com$/m,
  );
  assert.match(r.stdout, /^hello-00001 +previous +\.{20} +0% +True +http:\/\/previous-hello\.default\.example\.com$/m);
  assert.match(r.stdout, /Rollout: +hello-20261126120000 promoted/);
  for (const step of [
    'Deploying ghcr.io/bgctl/hello:v2',
    'Staging hello-00002 at 0%',
    'Verifying hello-00002',
    'Sending 50% of traffic to hello-00002',
    'Promoting hello-00002 to 100%',
  ]) {
    assert.ok(r.stderr.includes(step), `narration misses "${step}":\n${r.stderr}`);
  }
  assert.match(r.stderr, /\$ curl -H 'Host: candidate-hello\.default\.example\.com' http:\/\/127\.0\.0\.1:\d+\//);
  assert.match(r.stderr, /Hello from hello-00002/);
  assert.match(r.stderr, /the playground is stopped/);
});

test('bgctl demo -o json prints one RolloutResult document', async () => {
  const r = await runCli(['demo', '-o', 'json'], { env: { BGCTL_ACTOR: 'demo' } });
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.kind, 'RolloutResult');
  assert.equal(doc.phase, 'promoted');
  assert.equal(doc.candidate.revisionName, 'hello-00002');
});
