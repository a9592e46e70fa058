// Runs bgctl in-process (the real main(), commander, client-node over HTTPS to the playground) or
// as a child process of the built bin/bgctl.js, and returns exit code, stdout and stderr.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli.js';
import { IOStreams } from '../../src/ui/iostreams.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Environment seen by bgctl (KUBECONFIG etc.); nothing is inherited from the test process. */
  env?: Record<string, string | undefined>;
  /** Pretend stdin/stdout/stderr are terminals (prompting allowed). Default: not a terminal. */
  tty?: boolean;
  signal?: AbortSignal;
  now?: () => Date;
  /** Columns of the pretend terminal (80 by default). */
  width?: number;
}

/** Runs main(argv) in this process with in-memory streams. */
export async function runCli(argv: string[], opts: RunOptions = {}): Promise<CliResult> {
  const io = IOStreams.test({
    stdinTTY: opts.tty,
    stdoutTTY: opts.tty,
    stderrTTY: opts.tty,
    width: opts.width,
    env: { NO_COLOR: '1', ...opts.env },
  });
  const code = await main(argv, { io, signal: opts.signal, now: opts.now });
  return { code, stdout: io.stdout, stderr: io.stderr };
}

export const BIN = fileURLToPath(new URL('../../bin/bgctl.js', import.meta.url));

/** Spawns the built CLI (npm test builds dist/ first). Resolves when it exits. */
export function runBin(
  argv: string[],
  opts: { env?: Record<string, string | undefined>; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 1), stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
