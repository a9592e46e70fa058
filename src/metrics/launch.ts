// A local Prometheus server for the demo, the benchmark and the tests: a temp config scraping the given targets
// (path /metrics), a temp TSDB, a free port on 127.0.0.1. stop() ends the process (SIGTERM, then SIGKILL after a
// grace period) and removes the temp directory; a server that never became ready is stopped the same way.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** How to get the binary on Debian/Ubuntu; elsewhere, the download page. */
export const PROMETHEUS_INSTALL_HINT =
  'apt-get install -y prometheus (Debian/Ubuntu), or a release from https://prometheus.io/download/';

/** The first executable `prometheus` in the directories of `pathVar` (a PATH value), or undefined. */
export function findPrometheusOnPath(pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'prometheus');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface LaunchedPrometheus {
  /** http://127.0.0.1:PORT */
  url: string;
  pid: number;
  /** The temp directory holding the config and the TSDB (removed by stop()). */
  dir: string;
  /** Ends the process and removes `dir`; safe to call more than once. */
  stop(): Promise<void>;
}

export interface LaunchOptions {
  bin: string;
  /** HOST:PORT scrape targets. */
  targets: string[];
  scrapeIntervalS?: number;
  /** How long to wait for /-/ready (default 30 s). */
  readyTimeoutMs?: number;
  /** Between SIGTERM and SIGKILL (default 5 s). */
  graceMs?: number;
  /** Aborting it while waiting for /-/ready stops the server and rejects. */
  signal?: AbortSignal;
}

/** A free TCP port on 127.0.0.1 (free when asked: Prometheus binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function configText(targets: string[], intervalS: number): string {
  const interval = `${intervalS}s`;
  return [
    'global:',
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    'scrape_configs:',
    '  - job_name: bgctl',
    `    scrape_timeout: ${interval}`,
    '    static_configs:',
    `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`,
    '',
  ].join('\n');
}

/** Starts Prometheus and resolves once /-/ready answers 200; on any failure nothing is left running. */
export async function launchPrometheus(opts: LaunchOptions): Promise<LaunchedPrometheus> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bgctl-prom-'));
  let port: number;
  try {
    writeFileSync(path.join(dir, 'prometheus.yml'), configText(opts.targets, opts.scrapeIntervalS ?? 1));
    port = await freePort();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const child = spawn(
    opts.bin,
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
  let spawnError: Error | undefined;
  const exit = new Promise<void>((resolve) => {
    child.on('exit', () => ((exited = true), resolve()));
    // A binary that cannot start emits 'error' and no 'exit'.
    child.on('error', (err) => ((spawnError = err), (exited = true), resolve()));
  });
  const url = `http://127.0.0.1:${port}`;
  // A second Ctrl-C exits the process at once (bin/launch.js): no await runs then, only 'exit' listeners.
  const onExit = () => {
    if (!exited) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (!exited) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), opts.graceMs ?? 5000);
      await exit;
      clearTimeout(killer);
      rmSync(dir, { recursive: true, force: true });
      process.off('exit', onExit);
    })());
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  while (!exited && !opts.signal?.aborted && Date.now() <= deadline) {
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return { url, pid: child.pid as number, dir, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  if (spawnError) throw new Error(`cannot start ${opts.bin}: ${spawnError.message}`);
  if (opts.signal?.aborted) throw new Error('stopped while Prometheus was starting');
  const last = stderr.trim().split('\n').at(-1) ?? '';
  throw new Error(
    exited
      ? `prometheus exited before it was ready${last ? `: ${last}` : ''}`
      : `prometheus was not ready on ${url} within ${Math.round((opts.readyTimeoutMs ?? 30_000) / 1000)}s`,
  );
}
