// Running one command and measuring it: wall time from spawn to exit (the bench process's clock),
// CPU time and peak RSS (from bench/usage-hook.cjs inside node processes, from /proc for others),
// and when the first byte of stdout arrived.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A command line to measure. `node: true` adds the usage hook (exact CPU and peak RSS). */
export interface Cmd {
  label: string;
  file: string;
  args: string[];
  node?: boolean;
  env?: Record<string, string | undefined>;
}

/** One run of a command. */
export interface Sample {
  code: number;
  wallMs: number;
  /** user+system CPU time; µs-exact for node, 10 ms ticks otherwise. */
  cpuMs: number;
  /** Peak resident set of the process (node processes only). */
  maxRssMb?: number;
  /** performance.timeOrigin-based time of spawn and of the first stdout byte (Date.now() scale). */
  startedAt: number;
  firstStdoutAt?: number;
  stdout: string;
  stderr: string;
}

const HOOK = fileURLToPath(new URL('./usage-hook.cjs', import.meta.url));

/** Children's CPU time as the kernel accounts it for this process (cutime + cstime, in ms). */
function childrenCpuMs(): number {
  if (!existsSync('/proc/self/stat')) return NaN;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after "(comm)": state is field 3, cutime field 16, cstime field 17 (proc(5)); ticks of 10 ms.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** Spawns cmd once with a clean environment (PATH, HOME plus cmd.env) and measures it. */
export async function runOnce(cmd: Cmd, opts: { input?: string; timeoutMs?: number } = {}): Promise<Sample> {
  const usageDir = cmd.node ? mkdtempSync(join(tmpdir(), 'bgctl-bench-')) : undefined;
  const usageFile = usageDir ? join(usageDir, 'usage.jsonl') : undefined;
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NO_COLOR: '1',
    ...cmd.env,
  };
  if (usageFile) {
    env.BGCTL_BENCH_USAGE = usageFile;
    env.NODE_OPTIONS = `--require=${HOOK}`;
  }
  const cpuBefore = childrenCpuMs();
  const startedAt = Date.now();
  const t0 = performance.now();
  let firstStdoutAt: number | undefined;
  const result = await new Promise<{ code: number; stdout: string; stderr: string; wallMs: number }>(
    (resolve, reject) => {
      const child = spawn(cmd.file, cmd.args, { env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => {
        firstStdoutAt ??= Date.now();
        out.push(d);
      });
      child.stderr.on('data', (d: Buffer) => err.push(d));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
      child.on('error', reject);
      // 'exit' is the process's end; 'close' also waits for the pipes, which we need for the output.
      let wallMs = 0;
      child.on('exit', () => (wallMs = performance.now() - t0));
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({
          code: code ?? (signal ? 128 : 1),
          stdout: Buffer.concat(out).toString(),
          stderr: Buffer.concat(err).toString(),
          wallMs,
        });
      });
      child.stdin.end(opts.input ?? '');
    },
  );
  let cpuMs = childrenCpuMs() - cpuBefore;
  let maxRssMb: number | undefined;
  if (usageFile && usageDir) {
    const lines = existsSync(usageFile) ? readFileSync(usageFile, 'utf8').trim().split('\n').filter(Boolean) : [];
    rmSync(usageDir, { recursive: true, force: true });
    if (lines.length) {
      const u = lines.map((l) => JSON.parse(l) as { cpuUs: number; maxRssKb: number });
      cpuMs = u.reduce((s, x) => s + x.cpuUs, 0) / 1000;
      maxRssMb = Math.max(...u.map((x) => x.maxRssKb)) / 1024;
    }
  }
  return { ...result, cpuMs, maxRssMb, startedAt, firstStdoutAt };
}

/** Runs cmd and throws with its stderr unless it exits with `expect` (default 0). */
export async function runChecked(cmd: Cmd, expect = 0): Promise<Sample> {
  const s = await runOnce(cmd);
  if (s.code !== expect)
    throw new Error(`${cmd.label}: exit ${s.code} (expected ${expect})\n${s.stderr.slice(0, 2000)}`);
  return s;
}

/** Median of a list of numbers (mean of the middle two for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Quartile spread relative to the median: (p75 - p25) / median, a plain noise figure. */
export function relativeSpread(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length < 4) return NaN;
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
  return (q(0.75) - q(0.25)) / median(xs);
}

/**
 * Runs `rounds` rounds of every case after `warmup` unrecorded ones, rotating the order each round so no case always
 * goes first.
 */
export async function alternate<T>(
  cases: readonly T[],
  run: (c: T, round: number) => Promise<void>,
  opts: { warmup: number; rounds: number },
): Promise<void> {
  for (let r = 0; r < opts.warmup + opts.rounds; r++) {
    for (let i = 0; i < cases.length; i++) await run(cases[(i + r) % cases.length], r - opts.warmup);
  }
}
