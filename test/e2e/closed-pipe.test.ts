// The reader of bgctl's output goes away (`bgctl status -A | head -1`, a CI step that stops
// reading): the built CLI must neither crash with an EPIPE stack trace nor abandon a write half-way.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { ensureBuilt } from '../helpers/pty.js';
import { BIN } from '../helpers/cli.js';
import { usePlayground } from '../helpers/playground.js';

/** Runs the built CLI with its stdout pipe closed before it starts writing; stderr is collected. */
function runWithClosedStdout(
  argv: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Node needs tens of milliseconds to start, so the child writes only after this.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('output to a closed pipe', () => {
  const pg = usePlayground({ sample: 'hello' });
  before(ensureBuilt);

  test('--help exits 0 without an EPIPE error', async () => {
    const r = await runWithClosedStdout(['--help']);
    assert.doesNotMatch(r.stderr, /EPIPE|Unhandled/);
    assert.equal(r.code, 0, r.stderr);
  });

  test('a write goes through to the end and reports success by exit code', async () => {
    const r = await runWithClosedStdout(['pin', 'hello', '--yes', '-o', 'json'], {
      KUBECONFIG: pg.current.kubeconfigPath,
    });
    assert.doesNotMatch(r.stderr, /EPIPE|Unhandled/);
    assert.equal(r.code, 0, r.stderr);
    const def = pg.current.registry.resource('services', 'serving.knative.dev')!;
    assert.deepEqual(pg.current.registry.get(def, 'default', 'hello').spec.traffic, [
      { revisionName: 'hello-00001', percent: 100, latestRevision: false },
    ]);
  });
});
