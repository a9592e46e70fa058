// Runs the real kubectl as a child process against a kubeconfig, each runner with its own
// KUBECACHEDIR (discovery is cached for 6 hours per host:port, kube-api.md §1.3).
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { TestContext } from 'node:test';

/** The result of one kubectl run. */
export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * kubectl on PATH; failing that, the newest `kubectl.1.NN` in the gcloud SDK folder that holds
 * gcloud (gcloud ships several versions side by side).
 */
export function findKubectl(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const d of dirs) if (executable(join(d, 'kubectl'))) return join(d, 'kubectl');
  for (const d of dirs) {
    const gcloud = join(d, 'gcloud');
    if (!executable(gcloud)) continue;
    const sdkBin = dirname(realpathSync(gcloud));
    const versions = readdirSync(sdkBin)
      .filter((n) => /^kubectl\.1\.\d+$/.test(n))
      .sort((a, b) => Number(b.split('.')[2]) - Number(a.split('.')[2]));
    if (versions.length) return join(sdkBin, versions[0]);
  }
  return undefined;
}

/**
 * The kubectl binary for a test, or undefined after skipping it. Under CI=true a missing
 * kubectl fails the test instead: CI must not pass by skipping.
 */
export function requireKubectl(t: TestContext): string | undefined {
  const bin = findKubectl();
  if (bin) return bin;
  if (process.env.CI === 'true') throw new Error('kubectl not found on PATH or in the gcloud SDK folder, and CI=true');
  t.skip('kubectl not found');
  return undefined;
}

/** A kubectl bound to one kubeconfig and a private cache dir; call dispose() when done. */
export interface Kubectl {
  bin: string;
  cacheDir: string;
  run(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<KubectlResult>;
  spawn(args: string[]): ChildProcess;
  dispose(): void;
}

/** Creates a kubectl runner with its own KUBECACHEDIR. */
export function createKubectl(bin: string, kubeconfigPath: string): Kubectl {
  const cacheDir = mkdtempSync(join(tmpdir(), 'bgctl-kubecache-'));
  const env = { ...process.env, KUBECONFIG: kubeconfigPath, KUBECACHEDIR: cacheDir, HOME: cacheDir, NO_COLOR: '1' };
  const spawnIt = (args: string[]): ChildProcess => spawn(bin, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  return {
    bin,
    cacheDir,
    spawn: spawnIt,
    run(args, opts = {}) {
      return new Promise((resolve, reject) => {
        const child = spawnIt(args);
        let stdout = '';
        let stderr = '';
        child.stdout!.on('data', (c) => (stdout += c));
        child.stderr!.on('data', (c) => (stderr += c));
        const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
        child.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
        child.stdin!.end(opts.input ?? '');
      });
    },
    dispose() {
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}
