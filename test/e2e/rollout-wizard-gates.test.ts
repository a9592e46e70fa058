// The wizard with a Prometheus URL known (BGCTL_PROMETHEUS_URL), in a real pseudo-terminal against the playground
// under load and a REAL Prometheus scraping it every second: the gate questions (an invalid gate re-asked with the
// parser's error), a healthy candidate judged at 50% under the live view (one region redrawn in place) and
// promoted, a failing one (50% errors) offered rollback and rolled back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readState } from '../../src/core/state.js';
import { startPlayground, type Playground } from '../helpers/playground.js';
import { prometheusSkip, startPrometheus, type StartedPrometheus } from '../helpers/prometheus.js';
import { untilScraped } from '../helpers/playground-metrics.js';
import { ensureBuilt, Keys, spawnPty, type PtyRun } from '../helpers/pty.js';
import { createReadyService, foreignMergePatch, getService, specTraffic } from '../commands/step-helpers.js';

/** A pinned service with load on it, Ready, whose first revision Prometheus has seen answering. */
async function loadedService(pg: Playground, prom: StartedPrometheus, name: string): Promise<void> {
  await createReadyService(pg, name);
  foreignMergePatch(pg, name, { spec: { traffic: [{ revisionName: `${name}-00001`, percent: 100 }] } });
  pg.load.set('default', name, 20);
  await untilScraped(pg, prom.url, `${name}-00001`);
}

/** From the wizard's start to the 50% split, answering the gate questions with `gates`. */
async function toFirstSplit(w: PtyRun, name: string, gates: (w: PtyRun) => Promise<void>): Promise<void> {
  await w.waitFor('Judge the candidate by its metrics in Prometheus at each traffic level?');
  w.type(Keys.enter);
  await w.waitFor('Gates the candidate must pass');
  await gates(w);
  await w.waitFor('Prometheus answers; the gates will be judged after each split');
  await w.waitFor('Env changes');
  w.type(Keys.enter);
  await w.waitFor('Tag for the new revision');
  w.type(Keys.enter);
  await w.waitFor('as a new revision (at 0%)?');
  w.type('y' + Keys.enter);
  await w.waitFor(`Stage ${name}-00002 at 0% under tag "candidate"?`);
  w.type('y' + Keys.enter);
  await w.waitFor(`Continue: send 50% of traffic to ${name}-00002`);
  w.type(Keys.enter);
  await w.waitFor('Percent of traffic for the new revision');
  w.type(Keys.enter);
  await w.waitFor(`Send 50% of traffic to ${name}-00002?`);
  w.type('y' + Keys.enter);
}

describe(
  'bgctl rollout wizard with metric gates (pseudo-terminal, real Prometheus)',
  { skip: prometheusSkip() },
  () => {
    let pg: Playground;
    let prom: StartedPrometheus;
    const env = () => ({
      KUBECONFIG: pg.kubeconfigPath,
      BGCTL_INGRESS: pg.ingress,
      BGCTL_ACTOR: 'wizard',
      BGCTL_PROMETHEUS_URL: prom.url,
    });
    const phase = (name: string) => readState(getService(pg, name)).state?.phase;

    before(async () => {
      ensureBuilt();
      pg = await startPlayground({});
      prom = await startPrometheus({ targets: [pg.metrics], scrapeIntervalS: 1 });
    });
    after(async () => {
      await prom?.stop();
      await pg?.stop();
    });

    test('own gates (an invalid one re-asked with its error), judged at 50% under the live view, passed, promoted', async () => {
      await loadedService(pg, prom, 'healthy');
      const w = spawnPty(['rollout', 'healthy', '--image', 'ghcr.io/bgctl/hello:v2', '--no-verify'], env());
      try {
        await toFirstSplit(w, 'healthy', async () => {
          w.type(Keys.down + Keys.down + Keys.enter);
          await w.waitFor('Your gates (comma separated');
          w.type('error-rate<2' + Keys.enter);
          await w.waitFor(/invalid gate "error-rate<2": .*%/);
          w.type(Keys.backspace.repeat(20) + 'error-rate<2%, latency-p99<1s' + Keys.enter);
          await w.waitFor('Analysis time at each traffic level');
          w.type(Keys.backspace.repeat(5) + '4s' + Keys.enter);
          await w.waitFor('Time between two evaluations of the gates');
          w.type(Keys.backspace.repeat(5) + '1s' + Keys.enter);
        });
        await w.waitFor('Pausing 4s at 50%, judging the gates every 1s.');
        const window = await w.waitFor(/Gates at 50%, evaluation \d+ \(\d+s of 4s, window \d+s\): passed/);
        // The live view (traffic and metrics from the same Prometheus) is shown with the evaluations.
        assert.match(window, /Service: healthy \(namespace default\)/);
        assert.match(window, /Metrics \(last 1m, http:\/\/127\.0\.0\.1:\d+\)/);
        assert.match(window, /healthy-00002\s+candidate\s+50%/);
        assert.match(window, /error-rate<2%\s+[\d.]+%\s+-\s+2%\s+pass/);
        // One region redrawn in place: cursor up over the block, the live view's first line rewritten.
        // eslint-disable-next-line no-control-regex
        assert.match(w.raw(), /\r\u001b\[\d+A\u001b\[2KService: healthy/);
        await w.waitFor('The gates passed. Go on to the next step?');
        w.type(Keys.enter);
        await w.waitFor('After promote, the old revision');
        w.type(Keys.enter);
        await w.waitFor('Promote healthy-00002 to 100% of traffic?');
        w.type('y' + Keys.enter);
        await w.waitFor(/Rollout: +healthy-\d+ promoted/);
        assert.equal(await w.exited, 0, w.screen());
      } finally {
        w.kill();
      }
      assert.equal(phase('healthy'), 'promoted');
      assert.equal(readState(getService(pg, 'healthy')).state?.gates?.verdict, 'pass');
    });

    test('the default gates fail a candidate answering 50% errors: rollback is offered and rolls back (exit 3)', async () => {
      await loadedService(pg, prom, 'failing');
      const w = spawnPty(
        [
          'rollout',
          'failing',
          '--image',
          'ghcr.io/bgctl/hello:v2',
          '--annotation',
          'sim.bgctl.dev/error-rate=0.5',
          '--no-verify',
        ],
        env(),
      );
      try {
        await toFirstSplit(w, 'failing', async () => {
          w.type(Keys.enter); // the defaults
          await w.waitFor('Analysis time at each traffic level');
          w.type(Keys.backspace.repeat(5) + '10m' + Keys.enter);
          await w.waitFor('Time between two evaluations of the gates');
          w.type(Keys.backspace.repeat(5) + '1s' + Keys.enter);
        });
        await w.waitFor('Pausing 600s at 50%, judging the gates every 1s.');
        // Two consecutive failures end the 10-minute window at once.
        await w.waitFor(/Gates at 50%, evaluation \d+ \(\d+s of 600s, window \d+s\): FAILED/);
        await w.waitFor(/error-rate<=stable\+1%\s+[\d.]+%\s+[\d.]+%\s+[\d.]+%\s+fail/);
        await w.waitFor('The metric gates failed. What now?');
        w.type(Keys.enter);
        await w.waitFor('Roll back: all traffic to failing-00001?');
        w.type('y' + Keys.enter);
        await w.waitFor(/gates failed for failing-00002 at 50%/);
        assert.equal(await w.exited, 3, w.screen());
      } finally {
        w.kill();
      }
      assert.equal(phase('failing'), 'rolled-back');
      assert.equal(specTraffic(pg, 'failing').find((t) => t.revisionName === 'failing-00001')?.percent, 100);
      assert.equal(readState(getService(pg, 'failing')).state?.gates?.verdict, 'fail');
    });

    test('Ctrl-C during the analysis window: exit 130, the rollout stays split, the hint says how to go on', async () => {
      await loadedService(pg, prom, 'halted');
      const w = spawnPty(['rollout', 'halted', '--image', 'ghcr.io/bgctl/hello:v2', '--no-verify'], env());
      try {
        await toFirstSplit(w, 'halted', async () => {
          w.type(Keys.enter);
          await w.waitFor('Analysis time at each traffic level');
          w.type(Keys.backspace.repeat(5) + '10m' + Keys.enter);
          await w.waitFor('Time between two evaluations of the gates');
          w.type(Keys.backspace.repeat(5) + '1s' + Keys.enter);
        });
        await w.waitFor(/Gates at 50%, evaluation 1 /);
        w.type(Keys.ctrlC);
        await w.waitFor(/cancelled: rollout halted-\d+ stays at phase split/);
        await w.waitFor('continue with: bgctl rollout halted --resume');
        assert.equal(await w.exited, 130, w.screen());
      } finally {
        w.kill();
      }
      assert.equal(phase('halted'), 'split');
      assert.equal(specTraffic(pg, 'halted').find((t) => t.revisionName === 'halted-00002')?.percent, 50);
    });
  },
);
