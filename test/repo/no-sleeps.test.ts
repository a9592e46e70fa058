// Tests of the simulated control plane move its clock (test/sim/clock.ts) or wait on registry
// changes; they do not sleep on the wall clock or poll on a short timer. This scan fails on a new
// sleep, interval or `until` poll under test/sim unless it is listed here with the reason it stays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SIM_TESTS = join(ROOT, 'test', 'sim');

/** A wall-clock sleep, a repeating timer, or a poll through test/sim/wait.ts `until`. */
const SLEEP = /setTimeout\(\s*(r|resolve)\s*,|setInterval\(|(^|[^.\w])until\(/;

/** `file: the trimmed line` of the sleeps and polls that stay, each with why. */
const ALLOWED: Record<string, string> = {
  'test/sim/wait.ts: await new Promise((r) => setTimeout(r, everyMs));':
    'the poll of `until`, for state no registry change announces',
  'test/sim/ingress.test.ts: await new Promise((r) => setTimeout(r, 20));':
    'data-plane latency is wall time: it only orders two HTTP requests',
  'test/sim/api/server.test.ts: await until(() => w.events.length === 1);':
    'events of an HTTP watch stream, read by the client',
  'test/sim/api/server.test.ts: await until(() => tw.events.length === 1);':
    'events of an HTTP watch stream, read by the client',
  "test/sim/api/client-node.test.ts: await until(() => events.length >= 3, 'three watch events');":
    "events of client-node's Watch over HTTPS",
  "test/sim/api/registry.test.ts: await until(() => seen.length > 0, 'a bookmark');":
    "the watch hub's bookmark interval, an API server timer",
  'test/sim/api/kubectl-versions.test.ts: await until(async () => {':
    "kubectl's watch opening, seen in the request log through another kubectl",
  'test/sim/api/kubectl.test.ts: await until(() => watches() > watchesBefore, "kubectl\'s watch to open");':
    "kubectl's watch opening (another process), seen in the API server's request log",
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : full.endsWith('.ts') ? [full] : [];
  });
}

test('test/sim sleeps and polls only where a listed reason says why', () => {
  const found: string[] = [];
  for (const file of files(SIM_TESTS)) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line) => {
        if (SLEEP.test(line) && !line.trim().startsWith('//') && !line.includes('function until'))
          found.push(`${relative(ROOT, file)}: ${line.trim()}`);
      });
  }
  const unexplained = found.filter((f) => !(f in ALLOWED));
  assert.deepEqual(
    unexplained,
    [],
    'move the ManualClock (test/sim/clock.ts) or wait on registry changes (test/sim/wait.ts untilChange) instead',
  );
  const stale = Object.keys(ALLOWED).filter((a) => !found.includes(a));
  assert.deepEqual(stale, [], 'allow-list entries that no longer match a line');
});
