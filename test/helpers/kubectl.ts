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

/** One kubectl binary of the version matrix: `kubectl.1.NN` beside kubectl, or the PATH kubectl itself. */
export interface KubectlVersion {
  label: string;
  bin: string;
}

/** The PATH kubectl first, then every `kubectl.1.NN` beside its resolved binary, oldest first. */
export function findKubectlVersions(): KubectlVersion[] {
  const main = findKubectl();
  if (!main) return [];
  const out: KubectlVersion[] = [{ label: 'PATH kubectl', bin: main }];
  const dir = dirname(realpathSync(main));
  const versioned = readdirSync(dir)
    .filter((n) => /^kubectl\.1\.\d+$/.test(n) && executable(join(dir, n)))
    .sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]));
  for (const n of versioned) out.push({ label: n, bin: join(dir, n) });
  return out;
}

/**
 * The kubectl version matrix, or undefined after skipping. Under CI=true the PATH kubectl and
 * kubectl.1.27 (the oldest supported, the one that needs /openapi/v2) must both be there.
 */
export function requireKubectlVersions(t: TestContext): KubectlVersion[] | undefined {
  const found = findKubectlVersions();
  const has127 = found.some((v) => v.label === 'kubectl.1.27');
  if (found.length && (has127 || process.env.CI !== 'true')) return found;
  if (process.env.CI === 'true')
    throw new Error(
      `CI=true needs kubectl on PATH and kubectl.1.27 beside it; found: ${found.map((v) => v.label).join(', ') || 'none'}`,
    );
  t.skip('kubectl not found');
  return undefined;
}
