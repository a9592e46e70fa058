// Exec credential plugins for tests: small node scripts (shebang to this node) written to a temp
// dir, so a message naming the plugin names the script. Each can record what it saw (pid, stdin
// bytes, KUBERNETES_EXEC_INFO) in a report file next to it.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './temp-dir.js';

export const PLUGIN_DIR = tempDir('bgctl-exec-plugins-');

/** Writes an executable node script whose body runs after `report(obj)` and `credential(token)` are defined. */
export function writePlugin(name: string, body: string): { file: string; report: string } {
  const file = path.join(PLUGIN_DIR, name);
  const report = `${file}.report.json`;
  writeFileSync(
    file,
    `#!${process.execPath}
const fs = require('node:fs');
const report = (obj) => fs.writeFileSync(${JSON.stringify(report)}, JSON.stringify({ pid: process.pid, ...obj }));
const credential = (token, extra = {}) => process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token, ...extra } }));
${body}
`,
  );
  chmodSync(file, 0o700);
  return { file, report };
}

/** The report a plugin wrote, or undefined before it has. */
export function readReport(report: string): any {
  return existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : undefined;
}

/** A kubeconfig `exec` stanza for a plugin file. */
export function execStanza(file: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'client.authentication.k8s.io/v1', command: file, interactiveMode: 'Never', ...extra };
}

/** Plugin that records its pid, ignores SIGTERM and never answers. */
export const HANGING_BODY = `report({ started: true }); process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);`;

/** True while a process with this pid exists (a zombie counts as gone once reaped). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits (polling) until the pid is gone; false if it is still there after `ms`. */
export async function gone(pid: number, ms = 10_000): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}
