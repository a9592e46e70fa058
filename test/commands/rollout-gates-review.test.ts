// Hostile-operator cases of rollout gates against a real Prometheus scraping the playground: a custom query that
// stops giving one number mid-window, the gates record after a --no-rollback failure and a later resume.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readState } from '../../src/core/state.js';
import { runCli } from '../helpers/cli.js';
import { startPlayground, type Playground } from '../helpers/playground.js';
import { prometheusSkip, startPrometheus, type StartedPrometheus } from '../helpers/prometheus.js';
import { waitForQuery } from '../helpers/prometheus-query.js';
import { cliEnv, createReadyService, getService } from './step-helpers.js';

const nextScrape = (pg: Playground) => (): Promise<void> =>
  new Promise((resolve) => {
    const off = pg.metricsServer.onScrape(() => {
      off();
      resolve();
    });
  });

async function loadedService(pg: Playground, prom: StartedPrometheus, name: string): Promise<void> {
  await createReadyService(pg, name);
  pg.load.set('default', name, 20);
  const query = `sum(kn_serving_invocation_duration_seconds_count{kn_revision_name="${name}-00001"})`;
  await waitForQuery(prom.url, query, (v) => (v ?? 0) > 0, nextScrape(pg));
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
});
