// rollback and rollout --abort put bgctl's share back on the stable revision and leave a person's
// routing elsewhere alone. That must never be silent: right after a deploy (the record does not name
// the new revision yet) a person who sent 50% to it by hand keeps it, and bgctl says so instead of
// claiming that all traffic is on stable or that there is nothing to do.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { cliEnv, createReadyService, foreignMergePatch, specTraffic } from './step-helpers.js';

describe('rollback and abort with traffic a person routed elsewhere', () => {
  const pg = usePlayground();

  test('abort after deploy and a later rollback keep the 50% a person gave the new revision, with a warning', async () => {
    await createReadyService(pg.current, 'rbf');
    const env = cliEnv(pg.current);
    const deploy = await runCli(['deploy', 'rbf', '--image', 'ghcr.io/bgctl/hello:v2', '--yes', '--timeout', '20s'], {
      env,
    });
    assert.equal(deploy.code, 0, deploy.stderr);
    const stable = specTraffic(pg.current, 'rbf').find((x) => x.percent === 100)!;
    foreignMergePatch(pg.current, 'rbf', {
      spec: {
        traffic: [
          { ...stable, percent: 50 },
          { revisionName: 'rbf-00002', percent: 50 },
        ],
      },
    });
    const keeps = /^ *Warning: revision "rbf-00002" keeps its 50%: it is not part of this rollout/m;

    const abort = await runCli(['rollout', 'rbf', '--abort', '--yes', '--timeout', '20s'], { env });
    assert.equal(abort.code, 0, abort.stderr);
    assert.match(abort.stderr, keeps);
    assert.doesNotMatch(abort.stderr, /all traffic returns|the new revision; traffic stays on/, 'not all of it does');
    assert.equal(specTraffic(pg.current, 'rbf').find((x) => x.revisionName === 'rbf-00002')?.percent, 50);

    const rollback = await runCli(['rollback', 'rbf', '--yes', '--timeout', '20s'], { env });
    assert.equal(rollback.code, 0, rollback.stderr);
    assert.match(rollback.stderr, keeps);
    assert.equal(specTraffic(pg.current, 'rbf').find((x) => x.revisionName === 'rbf-00002')?.percent, 50);
  });
});
