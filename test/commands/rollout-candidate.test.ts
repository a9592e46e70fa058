// The resume-after-deploy decision: when is the deploy's revision ready to stage? A status that
// still names the stable revision as latest (Knative has not created the new one yet) is not.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { candidateSettled } from '../../src/commands/rollout/driver.js';
import type { KnativeService } from '../../src/core/knative-types.js';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { cliEnv, createReadyService, specTraffic } from './step-helpers.js';

function svc(generation: number, observed: number, created: string, ready: string): KnativeService {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: 'hello', namespace: 'default', generation },
    spec: { template: { spec: { containers: [{ image: 'x' }] } } },
    status: { observedGeneration: observed, latestCreatedRevisionName: created, latestReadyRevisionName: ready },
  } as unknown as KnativeService;
}

describe('candidateSettled (rollout --resume at phase deployed)', () => {
  test('a status from before the new revision exists is not settled, even with observedGeneration current', () => {
    // Killed right inside the deploy write: the Configuration has not created hello-00002 yet.
    assert.equal(candidateSettled(svc(2, 2, 'hello-00001', 'hello-00001'), 'hello-00001'), false);
    assert.equal(candidateSettled(svc(2, 1, 'hello-00001', 'hello-00001'), 'hello-00001'), false);
  });

  test('the new revision created but not ready yet is not settled', () => {
    assert.equal(candidateSettled(svc(2, 2, 'hello-00002', 'hello-00001'), 'hello-00001'), false);
  });

  test('the new revision created and ready is settled', () => {
    assert.equal(candidateSettled(svc(2, 2, 'hello-00002', 'hello-00002'), 'hello-00001'), true);
  });
});

describe('bgctl rollout --resume right after the deploy write', () => {
  const pg = usePlayground();
  const env = () => cliEnv(pg.current, { BGCTL_INGRESS: pg.current.ingress });
  const cli = (...argv: string[]) => runCli(argv, { env: env(), now: () => new Date('2026-11-26T12:00:00Z') });

  test('waits for the new, slowly created revision and stages it instead of the stable one', async () => {
    await createReadyService(pg.current, 'crash');
    // Phase deployed recorded and the template changed, but nothing waited (as after a SIGKILL).
    const deploy = await cli(
      'deploy',
      'crash',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--annotation',
      'sim.bgctl.dev/ready-after=300ms',
      '--no-wait',
      '--yes',
    );
    assert.equal(deploy.code, 0, deploy.stderr);
    const resume = await cli('rollout', 'crash', '--resume', '--no-verify', '--until', 'staged', '--yes');
    assert.equal(resume.code, 8, resume.stderr);
    assert.deepEqual(specTraffic(pg.current, 'crash'), [
      { tag: 'stable', revisionName: 'crash-00001', percent: 100 },
      { tag: 'candidate', revisionName: 'crash-00002', percent: 0 },
    ]);
  });
});
