// A real Prometheus server for tests (Debian's `prometheus` package): a temp config scraping the given targets,
// a temp TSDB, a free port on 127.0.0.1. Without the binary the tests skip, saying how to install it; under
// CI=true a missing binary fails instead (CI must not pass by skipping).
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

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

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts Prometheus scraping `targets` (HOST:PORT, path /metrics) and resolves once /-/ready answers 200. */
export async function startPrometheus(opts: {
  targets: string[];
  scrapeIntervalS?: number;
}): Promise<StartedPrometheus> {
  const bin = findPrometheus();
  if (!bin) throw new Error(`prometheus not found (${INSTALL_HINT})`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bgctl-prom-'));
  const interval = `${opts.scrapeIntervalS ?? 1}s`;
  const config = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    'scrape_configs:',
    '  - job_name: bgctl-test',
    `    scrape_timeout: ${interval}`,
    '    static_configs:',
    `      - targets: [${opts.targets.map((t) => JSON.stringify(t)).join(', ')}]`,
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  const child = spawn(
    bin,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on('exit', () => ((exited = true), resolve())));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!exited) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exit;
    clearTimeout(killer);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (!exited) {
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.status === 200) return { url, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`prometheus did not become ready on ${url}: ${stderr}`);
}
