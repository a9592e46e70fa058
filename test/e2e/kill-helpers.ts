// Crash tests of the unattended rollout: spawn the built CLI, watch the Service in the playground's
// registry, SIGKILL the CLI the moment a phase is recorded, and check that the traffic was valid at
// every stored version (sums to 100, names only existing revisions).
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import type { Playground } from '../helpers/playground.js';
import { BIN } from '../helpers/pty.js';
import { runBin, type CliResult } from '../helpers/cli.js';
import { StateAnnotations } from '../../src/core/state.js';

/** The environment of every spawned CLI. */
export function killEnv(pg: Playground): Record<string, string> {
  return { KUBECONFIG: pg.kubeconfigPath, BGCTL_INGRESS: pg.ingress, BGCTL_ACTOR: 'crash-test', NO_COLOR: '1' };
}

/** Records every problem with the stored traffic of `service`, from now until stop(). */
export function watchTraffic(
  pg: Playground,
  service: string,
): { problems: string[]; versions: () => number; stop(): void } {
  const revDef = pg.registry.resource('revisions', 'serving.knative.dev')!;
  const problems: string[] = [];
  let versions = 0;
  const stop = pg.registry.onChange((ev) => {
    if (ev.resource.plural !== 'services' || ev.object.metadata.name !== service) return;
    versions++;
    const rv = ev.object.metadata.resourceVersion;
    const traffic: Array<{ revisionName?: string; percent?: number; latestRevision?: boolean }> = ev.object.spec
      ?.traffic ?? [{ latestRevision: true, percent: 100 }];
    const sum = traffic.reduce((n, t) => n + (t.percent ?? 0), 0);
    if (sum !== 100) problems.push(`rv ${rv}: spec.traffic sums to ${sum}`);
    for (const t of traffic) {
      if (t.revisionName && !pg.registry.tryGet(revDef, 'default', t.revisionName))
        problems.push(`rv ${rv}: spec.traffic names missing revision ${t.revisionName}`);
    }
    const served = ev.object.status?.traffic as Array<{ percent?: number }> | undefined;
    if (served?.length) {
      const s = served.reduce((n, t) => n + (t.percent ?? 0), 0);
      if (s !== 100) problems.push(`rv ${rv}: status.traffic sums to ${s}`);
    }
  });
  return { problems, versions: () => versions, stop };
}

/** Spawns `bgctl rollout …` and SIGKILLs it as soon as the Service records `phase`. */
export function rolloutKilledAt(
  pg: Playground,
  service: string,
  phase: string,
  argv: string[],
  timeoutMs = 90_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'rollout', service, ...argv], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...killEnv(pg) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d) => (stderr += d));
    const stopWatch = pg.registry.onChange((ev) => {
      if (killed || ev.resource.plural !== 'services' || ev.object.metadata.name !== service) return;
      if (ev.object.metadata.annotations?.[StateAnnotations.phase] === phase) {
        killed = child.kill('SIGKILL');
      }
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`rollout never reached phase ${phase}; stderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      stopWatch();
      resolve({ code, signal, stderr, killed });
    });
  });
}

/** Runs the built CLI to the end (resume or abort) and returns its result. */
export function finish(pg: Playground, argv: string[]): Promise<CliResult> {
  return runBin(argv, { env: killEnv(pg), timeoutMs: 90_000 });
}

/** Asserts the kill landed and no stored version had invalid traffic. */
export function assertCrashSafe(
  run: { signal: NodeJS.Signals | null; stderr: string; killed: boolean },
  watch: { problems: string[]; versions: () => number },
): void {
  assert.ok(run.killed, `the CLI was not killed (it ended first); stderr:\n${run.stderr}`);
  assert.equal(run.signal, 'SIGKILL');
  assert.ok(watch.versions() > 0, 'no stored version was observed');
  assert.deepEqual(watch.problems, []);
}
