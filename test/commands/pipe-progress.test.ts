import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { cliEnv, createReadyService } from './step-helpers.js';

// In pipes and CI logs a step's wait is one line when it starts and one when it ends, however
// many conditions Knative reports in between (docs/cli.md, "Output").
describe('pipes get one line per wait, not every intermediate condition', () => {
  const pg = usePlayground();
  const cli = (...argv: string[]) => runCli(argv, { env: cliEnv(pg.current) });
  const waitLines = (stderr: string) => stderr.split('\n').filter((l) => /^(Waiting for|[✓✗!] )/.test(l));

  test('a deploy that becomes ready: a start line and a ✓ line', async () => {
    await createReadyService(pg.current, 'piped');
    const pin = await cli('pin', 'piped', '--yes');
    assert.equal(pin.code, 0, pin.stderr);
    // A revision that takes a while goes through several conditions before it is Ready.
    const r = await cli(
      'deploy',
      'piped',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--annotation',
      'sim.bgctl.dev/ready-after=300ms',
      '--yes',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      waitLines(r.stderr),
      ['Waiting for the new revision of piped to become ready', '✓ Revision piped-00002 is ready'],
      r.stderr,
    );
  });

  test('a revision that fails: the start line, and a ✗ line that says what the wait saw last', async () => {
    await createReadyService(pg.current, 'failing');
    const r = await cli(
      'deploy',
      'failing',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--annotation',
      'sim.bgctl.dev/fail=ContainerMissing',
      '--yes',
    );
    assert.equal(r.code, 1, r.stderr);
    const lines = waitLines(r.stderr);
    assert.equal(lines.length, 2, r.stderr);
    assert.equal(lines[0], 'Waiting for the new revision of failing to become ready');
    assert.match(lines[1], /^✗ Waiting for the new revision of failing to become ready: \S/);
  });
});
