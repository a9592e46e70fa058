// src/metrics/launch.ts with the real binary: ready before it resolves, and nothing left after stop() nor after
// the launching process exits without calling it (what a second Ctrl-C does: bin/launch.js exits at once).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchPrometheus } from '../../src/metrics/launch.js';
import { findPrometheus, prometheusSkip } from '../helpers/prometheus.js';

/** Gone, or a zombie waiting for its new parent to reap it: either way no longer running. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('launchPrometheus (real Prometheus)', { skip: prometheusSkip() }, () => {
  test('resolves once ready; stop() ends the process and removes its directory, twice without harm', async () => {
    const prom = await launchPrometheus({ bin: findPrometheus() as string, targets: ['127.0.0.1:9'] });
    assert.equal((await fetch(`${prom.url}/-/ready`)).status, 200);
    assert.ok(running(prom.pid));
    assert.ok(existsSync(prom.dir));
    await prom.stop();
    await prom.stop();
    assert.equal(running(prom.pid), false);
    assert.equal(existsSync(prom.dir), false);
  });

  test('a launching process that exits without stop() takes its Prometheus and directory with it', () => {
    const launch = fileURLToPath(new URL('../../src/metrics/launch.ts', import.meta.url));
    const script =
      `const { launchPrometheus } = await import(${JSON.stringify(launch)});` +
      `const p = await launchPrometheus({ bin: ${JSON.stringify(findPrometheus())}, targets: ['127.0.0.1:9'] });` +
      'console.log(JSON.stringify({ pid: p.pid, dir: p.dir })); process.exit(0);';
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const { pid, dir } = JSON.parse(out.trim().split('\n').at(-1) as string) as { pid: number; dir: string };
    assert.equal(running(pid), false, `prometheus (pid ${pid}) outlived the process that started it`);
    assert.equal(existsSync(dir), false, `${dir} was left behind`);
  });
});
