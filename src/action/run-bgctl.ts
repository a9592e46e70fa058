// Runs the bgctl of this checkout (bin/bgctl.js, next to dist/) as a child process: its stdout (the
// -o json document) is kept, its stderr (progress, `Error:`/`Hint:`) goes on to the job log.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface BgctlRun {
  code: number;
  stdout: string;
  /** The last part of stderr (where `Error:` and `Hint:` are), also passed through. */
  stderrTail: string;
}

const STDERR_TAIL = 64 * 1024;

/** bin/bgctl.js beside the bundle's folder (dist/action.js -> bin/bgctl.js). */
export function bgctlPath(): string {
  return fileURLToPath(new URL('../bin/bgctl.js', import.meta.url));
}

const CANCELLED = 130;

/** Runs bgctl with `args`; a cancel is passed on as SIGINT (bgctl stops resumably), and none starts after one. */
export function runBgctl(
  args: string[],
  env: NodeJS.ProcessEnv,
  log: NodeJS.WritableStream,
  signal?: AbortSignal,
): Promise<BgctlRun> {
  if (signal?.aborted) return Promise.resolve({ code: CANCELLED, stdout: '', stderrTail: '' });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bgctlPath(), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let tail = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      log.write(d);
      tail = (tail + d).slice(-STDERR_TAIL);
    });
    const cancel = () => child.kill('SIGINT');
    signal?.addEventListener('abort', cancel);
    child.on('error', reject);
    child.on('close', (code, killedBy) => {
      signal?.removeEventListener('abort', cancel);
      resolve({ code: code ?? (killedBy === 'SIGINT' ? CANCELLED : 143), stdout, stderrTail: tail });
    });
  });
}

/** The last `Error: …` line of bgctl's stderr and the `Hint: …` after it. */
export function lastError(stderr: string): { message?: string; hint?: string } {
  const lines = stderr.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i].startsWith('Error: ')) continue;
    const next = lines[i + 1];
    return {
      message: lines[i].slice('Error: '.length),
      ...(next?.startsWith('Hint: ') && { hint: next.slice('Hint: '.length) }),
    };
  }
  return {};
}
