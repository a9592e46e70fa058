// Metric gates across contexts with --context-prometheus: two playground clusters, each scraped by its own REAL
// Prometheus (Debian's package), the same service name in both (so the revision names are the same too: only the
// right Prometheus can tell them apart). The candidate of playground-2 answers half its requests with a 5xx, that
// of playground-1 none: playground-1 is promoted, playground-2 rolled back (exit 3). Then the usage errors, checked
// before anything is written, and a one-context rollout judged by its own context's Prometheus.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPlaygrounds, type Playgrounds, type Playground } from '../../src/sim/playground.js';
import { readState } from '../../src/core/state.js';
import { runCli } from '../helpers/cli.js';
import { createFleetService, stored } from '../helpers/fleet.js';
import { prometheusSkip, startPrometheus, type StartedPrometheus } from '../helpers/prometheus.js';
import { untilScraped } from '../helpers/playground-metrics.js';

const BOTH = 'playground-1,playground-2';
const FAILING = { 'sim.bgctl.dev/error-rate': '0.5' };

describe('fleet gates with a Prometheus per context (real Prometheus)', { skip: prometheusSkip() }, () => {
  let pgs: Playgrounds;
  let proms: StartedPrometheus[];
  before(async () => {
    pgs = await startPlaygrounds(2, { sample: 'hello' });
    proms = await Promise.all(pgs.clusters.map((c) => startPrometheus({ targets: [c.metrics], scrapeIntervalS: 1 })));
    const [one, two] = pgs.clusters;
    await Promise.all([
      createFleetService(one, 'gated', { grp: 'gated' }),
      createFleetService(two, 'gated', { grp: 'gated' }, FAILING),
      createFleetService(two, 'solo', { grp: 'solo' }, FAILING),
    ]);
    const loaded: Array<[number, string]> = [
      [0, 'gated'],
      [1, 'gated'],
      [1, 'solo'],
    ];
    for (const [i, name] of loaded) pgs.clusters[i].load.set('default', name, 20);
    await Promise.all(
      loaded.map(([i, name]) => untilScraped(pgs.clusters[i] as Playground, proms[i].url, `${name}-00001`)),
    );
  });
  after(async () => {
    await Promise.all((proms ?? []).map((p) => p.stop()));
    await pgs?.stop();
  });
  const env = () => ({ KUBECONFIG: pgs.kubeconfigPath, BGCTL_ACTOR: 'tester' });
  const cli = (...argv: string[]) => runCli(argv, { env: env() });
  /** The Prometheus URL of cluster i with a user:password that must never be printed. */
  const withSecret = (i: number) => proms[i].url.replace('http://', 'http://bob:s3cret-pw@');
  const gateFlags = ['--percents', '50,100', '--pause', '6s', '--gate-interval', '1s', '--gate', 'error-rate<2%'];

  test('each context judged by its own Prometheus: playground-1 promoted, playground-2 rolled back (exit 3)', async () => {
    const r = await cli(
      'rollout',
      '-l',
      'grp=gated',
      '--context',
      BOTH,
      '--image-tag',
      'v2',
      '--no-verify',
      ...gateFlags,
      '--context-prometheus',
      `playground-1=${withSecret(0)}`,
      '--context-prometheus',
      `playground-2=${withSecret(1)}`,
      '--yes',
      '-o',
      'json',
    );
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout);
    const by = Object.fromEntries(doc.targets.map((t: any) => [t.context, t]));
    assert.equal(by['playground-1'].outcome, 'promoted', JSON.stringify(by['playground-1']));
    assert.equal(by['playground-2'].outcome, 'failed', JSON.stringify(by['playground-2']));
    assert.equal(by['playground-2'].exitCode, 3);
    assert.equal(by['playground-2'].phase, 'rolled-back');
    assert.match(by['playground-2'].message, /gates failed for gated-00002 at 50%: error-rate of gated-00002 is/);
    const [one, two] = pgs.clusters;
    assert.deepEqual(readState(stored(one, 'gated')).state?.gates?.verdict, 'pass');
    assert.deepEqual(readState(stored(two, 'gated')).state?.gates?.verdict, 'fail');
    assert.equal(
      (stored(two, 'gated').spec.traffic ?? []).find((t) => t.percent === 100)?.revisionName,
      'gated-00001',
      'traffic back on stable in playground-2',
    );
    assert.doesNotMatch(r.stdout + r.stderr, /s3cret-pw/);
  });

  test('usage errors before anything is written: a context not visited, one without a Prometheus, no gates, a bad URL', async () => {
    const before = pgs.clusters.map((c) => stored(c, 'gated').metadata.resourceVersion);
    const base = ['rollout', '-l', 'grp=gated', '--context', BOTH, '--image-tag', 'v9', '--no-verify'];
    const stray = await cli(
      ...base,
      ...gateFlags,
      '--prometheus',
      proms[0].url,
      '--context-prometheus',
      `elsewhere=${withSecret(1)}`,
      '--yes',
    );
    assert.equal(stray.code, 2, stray.stderr);
    assert.match(stray.stderr, /--context-prometheus names "elsewhere": not a context this rollout visits/);
    assert.match(stray.stderr, /Hint: the contexts it visits: "playground-1", "playground-2"\n/);
    const dry = await cli(...base, ...gateFlags, '--context-prometheus', `elsewhere=${proms[1].url}`, '--dry-run');
    assert.equal(dry.code, 2, dry.stderr);
    assert.match(dry.stderr, /--context-prometheus names "elsewhere"/);

    const missing = await cli(...base, ...gateFlags, '--context-prometheus', `playground-1=${proms[0].url}`, '--yes');
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /no Prometheus to judge the gates of context "playground-2"/);

    const noGates = await cli(...base, '--context-prometheus', `playground-1=${proms[0].url}`, '--yes');
    assert.equal(noGates.code, 2, noGates.stderr);
    assert.match(noGates.stderr, /--context-prometheus names the Prometheus of gates: add --gate or --gates/);

    for (const bad of ['playground-1=ftp://bob:s3cret-pw@host', 'bob:s3cret-pw@nowhere', 'playground-1=http://x?y=1']) {
      const r = await cli(...base, ...gateFlags, '--context-prometheus', bad, '--yes');
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /invalid --context-prometheus /);
      assert.doesNotMatch(r.stderr, /s3cret-pw/);
    }
    assert.deepEqual(
      pgs.clusters.map((c) => stored(c, 'gated').metadata.resourceVersion),
      before,
      'nothing written',
    );
  });

  test('one context: its own --context-prometheus judges it, not --prometheus; another context is refused', async () => {
    const [, two] = pgs.clusters;
    const refused = await cli(
      'rollout',
      'solo',
      '--context',
      'playground-2',
      '--image-tag',
      'v2',
      '--no-verify',
      ...gateFlags,
      '--context-prometheus',
      `playground-1=${proms[0].url}`,
      '--yes',
    );
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /--context-prometheus names "playground-1": not a context this rollout visits/);
    // playground-1's Prometheus has never seen solo: judged there, the window would end without data.
    const r = await cli(
      'rollout',
      'solo',
      '--context',
      'playground-2',
      '--image-tag',
      'v2',
      '--no-verify',
      ...gateFlags,
      '--prometheus',
      proms[0].url,
      '--context-prometheus',
      `playground-2=${withSecret(1)}`,
      '--yes',
      '-o',
      'json',
    );
    assert.equal(r.code, 3, r.stderr);
    const w = JSON.parse(r.stdout).analysis[0];
    assert.equal(w.failing[0].reason, 'ThresholdCrossed', JSON.stringify(w));
    assert.ok(
      w.failing[0].value > 20,
      `solo-00002's error rate as playground-2's Prometheus saw it: ${w.failing[0].value}`,
    );
    assert.equal(readState(stored(two, 'solo')).state?.phase, 'rolled-back');
    assert.doesNotMatch(r.stdout + r.stderr, /s3cret-pw/);
  });
});
