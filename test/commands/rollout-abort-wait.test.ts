// `rollout --abort` right after a rollout stopped in phase deployed (a killed or cancelled process):
// the deploy's own write may not be routed yet. Exit 0 means Knative has routed the final traffic —
// found by the chaos suite (crash seed k10) — but the abort must not wait for the candidate revision,
// which may be slow to start or never get ready.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { cliEnv, createReadyService, getService, waitForStored } from './step-helpers.js';
import { caughtUp } from '../chaos/scenario.js';
import { readState, StateAnnotations } from '../../src/core/state.js';

describe('rollout --abort from deployed waits for the route, not for the candidate', () => {
  // A slow ingress: a traffic change takes the route 3 s, so an abort that does not wait is caught.
  const pg = usePlayground({ timing: { ingressMs: 3000 } });
  const cli = (argv: string[], signal?: AbortSignal) => runCli(argv, { env: cliEnv(pg.current), signal });

  test('exit 0 only once status.traffic routes the spec; the starting candidate does not hold it up', async () => {
    await createReadyService(pg.current, 'halted');
    // A rollout whose candidate takes a minute to start, stopped right after its deploy write.
    const controller = new AbortController();
    const rollout = cli(
      [
        'rollout',
        'halted',
        '--image',
        'ghcr.io/bgctl/hello:v2',
        '--annotation',
        'sim.bgctl.dev/ready-after=60s',
        '--no-verify',
        '--yes',
      ],
      controller.signal,
    );
    await waitForStored(pg.current, 'halted', (o) => o.metadata.annotations?.[StateAnnotations.phase] === 'deployed');
    controller.abort();
    assert.equal((await rollout).code, 130);
    assert.equal(caughtUp(getService(pg.current, 'halted')), false, 'the route is still moving to the pinned revision');

    const abort = await cli(['rollout', 'halted', '--abort', '--yes']);
    assert.equal(abort.code, 0, abort.stderr);
    const svc = getService(pg.current, 'halted');
    assert.equal(readState(svc).state?.phase, 'aborted');
    assert.ok(
      caughtUp(svc),
      `Knative routes the final traffic: ${JSON.stringify(svc.status?.traffic)} / ${JSON.stringify(svc.status?.conditions)}`,
    );
    assert.equal(svc.status?.latestReadyRevisionName, 'halted-00001', 'the abort did not wait for the candidate');
  });
});
