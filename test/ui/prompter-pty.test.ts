// Drives the real inquirer-backed prompter through a pseudo-terminal. Robustness over speed:
// keys are sent only after the prompt text has appeared, and every wait has a generous limit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { spawn, type IPty } from '@lydell/node-pty';
import { stripAnsi } from '../../src/ui/colors.js';

const script = fileURLToPath(new URL('./fixtures/prompt-demo.ts', import.meta.url));
const WAIT_MS = 60_000;
const KEY = { down: '\u001b[B', enter: '\r', ctrlC: '\u0003', backspace: '\u007f' };

interface Session {
  pty: IPty;
  screen(): string;
  waitFor(text: string): Promise<void>;
  exited: Promise<number>;
  send(keys: string): Promise<void>;
}

function start(...args: string[]): Session {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && k !== 'CI' && k !== 'BGCTL_NO_PROMPT') env[k] = v;
  const pty = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    name: 'xterm',
    cols: 100,
    rows: 30,
    cwd: process.cwd(),
    env: { ...env, TERM: 'xterm', NO_COLOR: '1' },
  });
  let out = '';
  const waiters = new Set<() => void>();
  pty.onData((d) => {
    out += d;
    for (const w of waiters) w();
  });
  const exited = new Promise<number>((resolve) => pty.onExit(({ exitCode }) => resolve(exitCode)));
  const screen = () => stripAnsi(out);
  const waitFor = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!screen().includes(text)) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${JSON.stringify(text)}; screen so far:\n${screen()}`));
      }, WAIT_MS);
      waiters.add(check);
      check();
    });
  // A short pause after the prompt appears lets inquirer finish wiring its keypress listeners.
  const send = async (keys: string) => {
    await new Promise((r) => setTimeout(r, 150));
    pty.write(keys);
  };
  return { pty, screen, waitFor, exited, send };
}

async function exitOf(s: Session): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      s.pty.kill();
      reject(new Error(`process did not exit; screen:\n${s.screen()}`));
    }, WAIT_MS);
  });
  try {
    return await Promise.race([s.exited, limit]);
  } finally {
    clearTimeout(timer);
  }
}

describe('real prompter in a pseudo-terminal', { timeout: 3 * WAIT_MS }, () => {
  test('arrow down + enter selects the second choice, y + enter confirms', async () => {
    const s = start();
    await s.waitFor('Candidate revision');
    await s.send(KEY.down);
    await s.send(KEY.enter);
    await s.waitFor('Send traffic to hello-00002?');
    await s.send('y');
    await s.send(KEY.enter);
    await s.waitFor('ANSWER');
    assert.equal(await exitOf(s), 0);
    assert.match(s.screen(), /ANSWER \{"revision":"hello-00002","ok":true\}/);
  });

  test('enter alone at the confirm takes the default (no)', async () => {
    const s = start();
    await s.waitFor('Candidate revision');
    await s.send(KEY.enter);
    await s.waitFor('Send traffic to hello-00001?');
    await s.send(KEY.enter);
    await s.waitFor('ANSWER');
    assert.equal(await exitOf(s), 0);
    assert.match(s.screen(), /ANSWER \{"revision":"hello-00001","ok":false\}/);
  });

  test('search filters as you type, input re-asks until valid, number parses', async () => {
    const s = start('more');
    await s.waitFor('Find revision');
    await s.send('00003');
    await s.waitFor('(matches 00003)');
    await s.send(KEY.enter);
    await s.waitFor('Tag');
    await s.send('V2');
    await s.send(KEY.enter);
    await s.waitFor('use lower-case letters');
    await s.send(KEY.backspace + KEY.backspace);
    await s.send('v2');
    await s.send(KEY.enter);
    await s.waitFor('Percent');
    await s.send('50');
    await s.send(KEY.enter);
    await s.waitFor('ANSWER');
    assert.equal(await exitOf(s), 0);
    assert.match(s.screen(), /ANSWER \{"found":"hello-00003","tag":"v2","percent":50\}/);
  });

  test('Ctrl-C at a prompt is a CancelError and exit code 130', async () => {
    const s = start();
    await s.waitFor('Candidate revision');
    await s.send(KEY.ctrlC);
    assert.equal(await exitOf(s), 130);
    assert.match(s.screen(), /ERR CancelledError: cancelled/);
    assert.doesNotMatch(s.screen(), /ANSWER/);
  });
});
