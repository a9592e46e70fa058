// Runs the BUILT Action (node dist/action.js, npm run build first) the way the runner does: inputs as
// INPUT_<NAME> variables (upper case, hyphens kept), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files in a
// temp folder (RUNNER_TEMP), workflow commands read from its stdout.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ACTION = fileURLToPath(new URL('../../dist/action.js', import.meta.url));

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  /** GITHUB_OUTPUT as written. */
  outputFile: string;
  /** The outputs, parsed by the runner's rules (name=value and name<<DELIMITER). */
  outputs: Record<string, string>;
  summary: string;
  /** What is left in RUNNER_TEMP after the run. */
  tempLeft: string[];
}

/** Parses a GITHUB_OUTPUT file as the runner does. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      if (end < 0) throw new Error(`no closing delimiter for ${heredoc[1]}`);
      out[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`not an output line: ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** Runs the Action with these inputs (by their action.yml names) and environment. */
export function runAction(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  /** Sends `signal` once the output (stdout and stderr) matches `when`, as the runner does on a cancelled job. */
  interrupt?: { when: RegExp; signal: NodeJS.Signals },
): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'bgctl-action-test-'));
  const runnerTemp = mkdtempSync(join(dir, 'temp-'));
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v]),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ACTION], {
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        NO_COLOR: '1',
        GITHUB_ACTIONS: 'true',
        GITHUB_ACTOR: 'octocat',
        RUNNER_TEMP: runnerTemp,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        ...inputEnv,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    const watch = () => {
      if (interrupt && !sent && interrupt.when.test(stdout + stderr)) {
        sent = true;
        child.kill(interrupt.signal);
      }
    };
    child.stdout.on('data', (d) => {
      stdout += d;
      watch();
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      watch();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      try {
        const text = readFileSync(outputFile, 'utf8');
        resolve({
          code: code ?? 1,
          stdout,
          stderr,
          outputFile: text,
          outputs: parseOutputFile(text),
          summary: readFileSync(summaryFile, 'utf8'),
          tempLeft: readdirSync(runnerTemp),
        });
      } catch (err) {
        reject(err as Error);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
