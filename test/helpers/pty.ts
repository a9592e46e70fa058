// Drives the built CLI in a pseudo-terminal: spawn `node bin/bgctl.js …`, wait for text on the
// screen, type keys. Prompts are real inquirer prompts reading a real TTY, so this covers what the
// in-process tests cannot (raw mode, redraws, Ctrl-C).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pty from '@lydell/node-pty';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'bgctl.js');

/** Keys as a terminal sends them. */
export const Keys = { enter: '\r', down: '\x1b[B', up: '\x1b[A', ctrlC: '\x03', backspace: '\x7f' } as const;

/**
 * Builds dist/ when it is missing (`npm test` builds first). Never rebuilds an existing bundle: test
 * files run in parallel, and a rebuild deletes chunks that another file's CLI is still loading.
 */
export function ensureBuilt(): void {
  if (existsSync(join(ROOT, 'dist', 'cli.js'))) return;
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
}

/** Removes terminal control sequences so screen text can be matched. */
export function stripControls(s: string): string {
  /* eslint-disable no-control-regex */
  return s
    .replace(/\x1b\][^\x07]*\x07/g, '')
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .replace(/\x1b[()][A-Za-z0-9]/g, '')
    .replace(/\r/g, '');
  /* eslint-enable no-control-regex */
}

/** A running CLI in a pseudo-terminal. */
export interface PtyRun {
  /** Everything printed so far, control sequences removed. */
  screen(): string;
  /** Everything printed so far, byte for byte (control sequences included). */
  raw(): string;
  /** Resolves once `what` appears after the previous match; the next wait starts after this one. */
  waitFor(what: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Types keys (use Keys for special ones). */
  type(keys: string): void;
  /** Resolves with the exit code once the process ends. */
  exited: Promise<number>;
  kill(signal?: string): void;
}

/** Spawns `node bin/bgctl.js argv…` in an 100x40 pseudo-terminal with exactly `env` (plus PATH, HOME). */
export function spawnPty(argv: string[], env: Record<string, string>): PtyRun {
  let raw = '';
  let mark = 0;
  const waiters = new Set<() => void>();
  const term = pty.spawn(process.execPath, [BIN, ...argv], {
    name: 'xterm-256color',
    cols: 100,
    rows: 40,
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TERM: 'xterm-256color', NO_COLOR: '1', ...env },
  });
  term.onData((d) => {
    raw += d;
    for (const w of [...waiters]) w();
  });
  const exited = new Promise<number>((resolve) =>
    term.onExit(({ exitCode }) => {
      for (const w of [...waiters]) w();
      resolve(exitCode);
    }),
  );
  let done = false;
  void exited.then(() => (done = true));
  const screen = () => stripControls(raw);
  return {
    screen,
    raw: () => raw,
    exited,
    type: (keys) => term.write(keys),
    kill: (signal = 'SIGKILL') => term.kill(signal),
    waitFor(what, timeoutMs = 90_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const text = screen().slice(mark);
          const m =
            typeof what === 'string'
              ? text.includes(what)
                ? { index: text.indexOf(what), length: what.length }
                : undefined
              : (() => {
                  const r = what.exec(text);
                  return r ? { index: r.index, length: r[0].length } : undefined;
                })();
          if (m) {
            mark += m.index + m.length;
            finish();
            resolve(text.slice(0, m.index + m.length));
          } else if (done) {
            finish();
            reject(new Error(`the CLI exited before showing ${String(what)}; screen:\n${screen()}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`timed out waiting for ${String(what)}; screen:\n${screen()}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
