// A real Prometheus server for tests (Debian's `prometheus` package), started by src/metrics/launch.ts: a temp
// config scraping the given targets, a temp TSDB, a free port on 127.0.0.1. Without the binary the tests skip,
// saying how to install it; under CI=true a missing binary fails instead (CI must not pass by skipping).
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { freePort, launchPrometheus } from '../../src/metrics/launch.js';

export const INSTALL_HINT = 'apt-get install -y prometheus';

/** The prometheus binary: $BGCTL_TEST_PROMETHEUS, else PATH, else /usr/bin/prometheus. */
export function findPrometheus(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const candidates = [process.env.BGCTL_TEST_PROMETHEUS, ...dirs.map((d) => path.join(d, 'prometheus'))];
  for (const c of [...candidates, '/usr/bin/prometheus']) {
    if (!c) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  return undefined;
}

/**
 * The reason to skip Prometheus tests (for `describe(name, { skip })`), or false when the binary is there.
 * Under CI=true a missing binary throws, failing the test file.
 */
export function prometheusSkip(): string | false {
  if (findPrometheus()) return false;
  const why = `prometheus not found: these tests need it (${INSTALL_HINT})`;
  if (process.env.CI === 'true') throw new Error(`${why}, and CI=true`);
  console.log(`# skipped: ${why}`);
  return why;
}

export interface StartedPrometheus {
  /** http://127.0.0.1:PORT */
  url: string;
  stop(): Promise<void>;
}

export { freePort };

/** Starts Prometheus scraping `targets` (HOST:PORT, path /metrics) and resolves once /-/ready answers 200. */
export async function startPrometheus(opts: {
  targets: string[];
  scrapeIntervalS?: number;
}): Promise<StartedPrometheus> {
  const bin = findPrometheus();
  if (!bin) throw new Error(`prometheus not found (${INSTALL_HINT})`);
  return launchPrometheus({ bin, targets: opts.targets, scrapeIntervalS: opts.scrapeIntervalS ?? 1 });
}
