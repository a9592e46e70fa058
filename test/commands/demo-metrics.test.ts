// `bgctl demo` with a `prometheus` binary on its PATH: a real Prometheus scrapes the playground under load, the
// rollout is judged by metric gates, and nothing is left behind (process or temp directory), also after Ctrl-C.
// Without the binary on PATH the demo says how to install it and runs as before.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, runCli, type CliResult } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/pty.js';
import { findPrometheus, prometheusSkip } from '../helpers/prometheus.js';

/** The pid and temp directory the demo announced for its Prometheus. */
function announced(stderr: string): { pid: number; dir: string } {
  const m = /Prometheus up: http:\/\/127\.0\.0\.1:\d+ \(pid (\d+), data in ([^)]+)\)/.exec(stderr);
  assert.ok(m, `the demo did not announce its Prometheus:\n${stderr}`);
  return { pid: Number(m[1]), dir: m[2] };
}

function assertGone({ pid, dir }: { pid: number; dir: string }): void {
  assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `prometheus (pid ${pid}) still runs`);
  assert.equal(existsSync(dir), false, `${dir} was left behind`);
}

const pathWithPrometheus = () => path.dirname(findPrometheus() as string);

describe('bgctl demo with prometheus on PATH', { skip: prometheusSkip() }, () => {
  test('starts Prometheus, judges the candidate by its gates during the pause, promotes it, and leaves nothing', async () => {
    const r = await runCli(['demo'], { env: { BGCTL_ACTOR: 'demo', PATH: pathWithPrometheus() } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Rollout: +hello-\d+ promoted/);
    assert.match(r.stdout, /^Gates: +pass at 50% \(\d+ evaluations\)$/m);
    assert.match(r.stderr, /error-rate<=stable\+1% +its share of 5xx answers/);
    const evaluations = r.stderr.split('\n').filter((l) => l.startsWith('Gates at 50%, evaluation'));
    assert.ok(evaluations.length >= 2, `evaluated during the pause:\n${r.stderr}`);
    assert.match(evaluations.at(-1)!, /: passed: error-rate<=stable\+1% pass .* latency-p95<=stable\*2 pass/);
    assert.doesNotMatch(r.stderr, /apt-get install/);
    assert.match(r.stderr, /Prometheus is stopped and its temporary data removed\.\nDemo finished/);
    assertGone(announced(r.stderr));
  });

  test('Ctrl-C during the gates stops Prometheus and removes its data (exit 130)', async () => {
    ensureBuilt();
    const child = spawn(process.execPath, [BIN, 'demo'], {
      env: { PATH: pathWithPrometheus(), HOME: process.env.HOME, NO_COLOR: '1', BGCTL_ACTOR: 'demo' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let interrupted = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      stderr += d;
      // One Ctrl-C: a second one exits at once (bin/launch.js).
      if (!interrupted && stderr.includes('Gates at 50%, evaluation 1')) interrupted = child.kill('SIGINT');
    });
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.ok(stderr.includes('Gates at 50%, evaluation 1'), stderr);
    assert.equal(code, 130, stderr);
    assertGone(announced(stderr));
    // The rollout lived in the demo's playground: no --resume that would run against the user's cluster.
    assert.doesNotMatch(stderr, /--resume|--abort/);
    assert.match(stderr, /nothing to resume or undo: run bgctl demo again/);
  });

  test('--no-metrics runs without Prometheus and without the install hint', async () => {
    const r = await runCli(['demo', '--no-metrics'], { env: { BGCTL_ACTOR: 'demo', PATH: pathWithPrometheus() } });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Prometheus|Gates at/);
    assert.match(r.stdout, /Rollout: +hello-\d+ promoted/);
  });
});

describe('bgctl demo with a prometheus that cannot start', () => {
  test('the demo says so and goes on without gates, leaving no temp dir', async () => {
    const bin = mkdtempSync(path.join(tmpdir(), 'bgctl-test-bin-'));
    writeFileSync(path.join(bin, 'prometheus'), '#!/bin/sh\necho "err: cannot start" >&2\nexit 1\n', { mode: 0o755 });
    const tmp = mkdtempSync(path.join(tmpdir(), 'bgctl-test-tmp-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    let r: CliResult;
    try {
      r = await runCli(['demo'], { env: { BGCTL_ACTOR: 'demo', PATH: bin } });
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    try {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Prometheus did not start \(prometheus exited before it was ready: err: cannot start\)/);
      assert.doesNotMatch(r.stderr, /Gates at/);
      assert.match(r.stdout, /Rollout: +hello-\d+ promoted/);
      assert.deepEqual(readdirSync(tmp), [], 'the demo and its Prometheus removed their temp directories');
    } finally {
      rmSync(bin, { recursive: true, force: true });
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('bgctl demo without prometheus on PATH', () => {
  test('says how to install it and runs the rollout as before, without gates', async () => {
    const r: CliResult = await runCli(['demo'], { env: { BGCTL_ACTOR: 'demo', PATH: '/nonexistent-bgctl-test' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /No `prometheus` on PATH/);
    assert.match(
      r.stderr,
      /apt-get install -y prometheus \(Debian\/Ubuntu\), or a release from https:\/\/prometheus\.io/,
    );
    assert.doesNotMatch(r.stderr, /Gates at|Prometheus up/);
    assert.match(r.stdout, /Rollout: +hello-\d+ promoted/);
    assert.doesNotMatch(r.stdout, /^Gates:/m);
    assert.match(r.stderr, /Demo finished; the playground is stopped\./);
  });
});
