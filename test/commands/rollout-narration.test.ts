// The unattended narration names what the cluster serves now, not what a closed rollout recorded;
// and --abort with no open rollout is refused before anything is written, like --resume.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { cliEnv, createReadyService, getService } from './step-helpers.js';

const NOW = () => new Date('2026-11-26T12:00:00Z');

describe('bgctl rollout: narration and refusals', () => {
  const pg = usePlayground();
  const env = () => cliEnv(pg.current, { BGCTL_INGRESS: pg.current.ingress });
  const cli = (...argv: string[]) => runCli(argv, { env: env(), now: NOW });

  test('the second rollout says traffic stays on the revision promoted by the first', async () => {
    await createReadyService(pg.current, 'twice');
    const first = await cli('rollout', 'twice', '--image', 'ghcr.io/bgctl/hello:v2', '--no-verify', '--yes');
    assert.equal(first.code, 0, first.stderr);
    const second = await cli(
      'rollout',
      'twice',
      '--image',
      'ghcr.io/bgctl/hello:v3',
      '--no-verify',
      '--until',
      'staged',
      '--yes',
    );
    assert.equal(second.code, 8, second.stderr);
    assert.match(second.stderr, /Deploying ghcr\.io\/bgctl\/hello:v3 as a new revision; traffic stays on twice-00002,/);
  });

  test('staging an existing revision after a promoted rollout names the revision that serves now', async () => {
    await createReadyService(pg.current, 'back');
    const first = await cli('rollout', 'back', '--image', 'ghcr.io/bgctl/hello:v2', '--no-verify', '--yes');
    assert.equal(first.code, 0, first.stderr);
    // back-00002 serves 100%; back-00001 (the first rollout's stable) is kept at 0% under "previous".
    const second = await cli(
      'rollout',
      'back',
      '--revision',
      'back-00001',
      '--tag',
      'old',
      '--no-verify',
      '--until',
      'staged',
      '--yes',
    );
    assert.equal(second.code, 8, second.stderr);
    assert.match(
      second.stderr,
      /Staging back-00001 at 0% under tag "old": it gets its own URL to test while the main URL keeps serving back-00002\./,
    );
  });

  test('--abort with no open rollout: the NoRollout error document, like --resume, and nothing written', async () => {
    await createReadyService(pg.current, 'idle');
    const before = getService(pg.current, 'idle').metadata.resourceVersion;
    const resume = await cli('rollout', 'idle', '--resume', '--yes', '-o', 'json');
    const abort = await cli('rollout', 'idle', '--abort', '--yes', '-o', 'json');
    assert.equal(abort.code, resume.code);
    assert.equal(abort.code, 1, abort.stderr);
    const doc = JSON.parse(abort.stdout);
    assert.equal(doc.kind, 'Error');
    assert.equal(doc.reason, 'NoRollout');
    assert.equal(JSON.parse(resume.stdout).reason, 'NoRollout');
    const table = await cli('rollout', 'idle', '--abort', '--yes');
    assert.equal(table.code, 1);
    assert.match(table.stderr, /nothing to abort/);
    assert.doesNotMatch(table.stdout + table.stderr, /Candidate:/);
    assert.equal(getService(pg.current, 'idle').metadata.resourceVersion, before);
  });
});
