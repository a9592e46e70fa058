// Hostile-operator cases of rollout gates against a real Prometheus scraping the playground: a custom query that
// stops giving one number mid-window, the gates record after a --no-rollback failure and a later resume.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readState } from '../../src/core/state.js';
import { runCli } from '../helpers/cli.js';
import { startPlayground, type Playground } from '../helpers/playground.js';
import { prometheusSkip, startPrometheus, type StartedPrometheus } from '../helpers/prometheus.js';
import { untilScraped } from '../helpers/playground-metrics.js';
import { untilChange } from '../sim/wait.js';
import type { KnativeService } from '../../src/core/knative-types.js';
import { cliEnv, createReadyService, foreignMergePatch, getService } from './step-helpers.js';

async function loadedService(pg: Playground, prom: StartedPrometheus, name: string): Promise<void> {
  await createReadyService(pg, name);
  pg.load.set('default', name, 20);
  await untilScraped(pg, prom.url, `${name}-00001`);
}

const stateOf = async (pg: Playground, name: string) => readState(await getService(pg, name)).state;

describe('rollout gates under a hostile operator (real Prometheus)', { skip: prometheusSkip() }, () => {
  let pg: Playground;
  let prom: StartedPrometheus;
  let rollout: (...argv: string[]) => ReturnType<typeof runCli>;

  before(async () => {
    pg = await startPlayground({});
    prom = await startPrometheus({ targets: [pg.metrics], scrapeIntervalS: 1 });
    const env = cliEnv(pg, { BGCTL_INGRESS: pg.ingress, BGCTL_PROMETHEUS_URL: prom.url });
    rollout = (...argv: string[]) => runCli(['rollout', ...argv], { env });
  });
  after(async () => {
    await prom?.stop();
    await pg?.stop();
  });

  test('a custom query that gives several series mid-window is exit 7, the rollout split and resumable', async () => {
    await loadedService(pg, prom, 'multi');
    // One series per status code answered: the stable revision (only 200s) gives one when checked before the first
    // write, the failing candidate (200s and 500s) two once split.
    const r = await rollout(
      'multi',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--annotation',
      'sim.bgctl.dev/error-rate=0.5',
      '--no-verify',
      '--pause',
      '10m',
      '--gate-interval',
      '1s',
      '--gate-query',
      'codes=sum by (http_response_status_code) (increase(kn_serving_invocation_duration_seconds_count' +
        '{kn_revision_name="{{revision}}"}[{{window}}])) > 0',
      '--gate',
      'codes>=0',
      '--yes',
      '-o',
      'json',
    );
    assert.equal(r.code, 7, r.stderr + r.stdout);
    assert.match(r.stderr, /returns 2 series, not one number/);
    assert.match(r.stderr, /nothing was judged and rollout multi-\d+ stays at phase split \(50%\)/);
    assert.equal(JSON.parse(r.stdout).outcome, 'failed');
    const st = await stateOf(pg, 'multi');
    assert.equal(st?.phase, 'split', 'neither promoted nor rolled back');
  });
  test("split with gates never overrides a person's rollback made while it judged: exit 5, their traffic kept", async () => {
    await loadedService(pg, prom, 'overruled');
    const staged = await rollout(
      'overruled',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--annotation',
      'sim.bgctl.dev/error-rate=0.5',
      '--no-verify',
      '--until',
      'staged',
      '--yes',
    );
    assert.equal(staged.code, 8, staged.stderr);
    const env = cliEnv(pg, { BGCTL_PROMETHEUS_URL: prom.url });
    // Slow evaluations (3s): the person acts between the split and the second failed evaluation.
    const split = runCli(
      [
        'split',
        'overruled',
        '--percent',
        '50',
        '--pause',
        '10m',
        '--gate-interval',
        '3s',
        '--gate',
        'error-rate<2%',
        '--yes',
      ],
      { env },
    );
    const def = pg.registry.resource('services', 'serving.knative.dev')!;
    const phase = () =>
      readState(pg.registry.get(def, 'default', 'overruled') as unknown as KnativeService).state?.phase;
    // Routed as split (the split's own wait is over): from here on it is judging.
    const routed = () => {
      const svc = pg.registry.get(def, 'default', 'overruled') as unknown as KnativeService;
      const cand = svc.status?.traffic?.find((t) => t.revisionName === 'overruled-00002');
      const ready = svc.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      return (
        phase() === 'split' &&
        svc.status?.observedGeneration === svc.metadata.generation &&
        cand?.percent === 50 &&
        ready
      );
    };
    await untilChange(pg.registry, routed, 'the split routed');
    const manual = await runCli(['rollback', 'overruled', '--yes'], { env: cliEnv(pg, { BGCTL_ACTOR: 'person' }) });
    assert.equal(manual.code, 0, manual.stderr);
    // Then they send a tenth of the traffic to the candidate by hand, to look at it themselves.
    foreignMergePatch(pg, 'overruled', {
      spec: {
        traffic: [
          { revisionName: 'overruled-00001', percent: 90, tag: 'stable' },
          { revisionName: 'overruled-00002', percent: 10, tag: 'candidate' },
        ],
      },
    });
    const r = await split;
    assert.equal(r.code, 5, r.stderr);
    assert.match(
      r.stderr,
      /not rolled back: rollout overruled-\d+ changed while it was judged \(now overruled-\d+ at phase rolled-back\)/,
    );
    assert.deepEqual(
      ((await getService(pg, 'overruled')).spec.traffic ?? []).map((t) => [t.revisionName, t.percent]),
      [
        ['overruled-00001', 90],
        ['overruled-00002', 10],
      ],
      "the person's traffic is kept",
    );
  });
});
