// `bgctl demo --fleet`: three in-process playground clusters and one fleet rollout across them, unattended without
// a terminal and with --yes on one; the first cluster (the first wave) is promoted before the others start, every
// cluster answers with the new revision, and nothing is left running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';

const CONTEXTS = ['playground-1', 'playground-2', 'playground-3'];

test('bgctl demo --fleet without a terminal: the first wave, then the rest, all promoted', async () => {
  const r = await runCli(['demo', '--fleet'], { env: { BGCTL_ACTOR: 'demo' } });
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split('\n');
  assert.match(rows[0], /^CONTEXT\s+NAMESPACE\s+SERVICE\s+OUTCOME\s+PHASE\s+REVISION/);
  assert.deepEqual(
    rows.slice(1).map((l) => l.split(/\s+/).slice(0, 6).join(' ')),
    CONTEXTS.map((c) => `${c} default hello promoted promoted hello-00002`),
  );
  assert.match(r.stderr, /playground-1 is the first wave/);
  assert.match(r.stderr, /\$ bgctl rollout hello --context playground-1,playground-2,playground-3 --image ghcr\.io/);
  const promoted1 = r.stderr.indexOf('playground-1/default/hello: promoted');
  assert.ok(promoted1 > 0, r.stderr);
  for (const c of CONTEXTS.slice(1)) {
    const started = r.stderr.indexOf(`${c}/default/hello: running`);
    assert.ok(started > promoted1, `${c} started before the first wave was promoted:\n${r.stderr}`);
    assert.match(r.stderr, new RegExp(`${c}/default/hello: promoted`));
  }
  for (const c of CONTEXTS)
    assert.match(
      r.stderr,
      new RegExp(`${c}: \\$ curl -H 'Host: hello\\.default\\.example\\.com' .*Hello from hello-00002`),
    );
  assert.match(r.stderr, /Demo finished; the playground clusters are stopped\./);
});

test('bgctl demo --fleet --yes on a terminal asks nothing; -o json prints one FleetRollout document', async () => {
  const r = await runCli(['demo', '--fleet', '--yes', '--image', 'ghcr.io/bgctl/hello:v3', '-o', 'json'], {
    env: { BGCTL_ACTOR: 'demo' },
    tty: true,
    width: 120,
  });
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.kind, 'FleetRollout');
  assert.equal(doc.outcome, 'completed');
  assert.deepEqual(
    doc.targets.map((t: any) => `${t.context}:${t.outcome}`),
    CONTEXTS.map((c) => `${c}:promoted`),
  );
  assert.doesNotMatch(r.stderr, /Roll out .* in 3 clusters\?/);
  // The progress is the in-place view of a terminal (one line per cluster), not the pipe lines.
  // eslint-disable-next-line no-control-regex
  assert.match(r.stderr, /\u001b\[2Kplayground-3\s+default\s+hello\s+promoted/);
});
