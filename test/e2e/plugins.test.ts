// bgctl as a kubectl plugin and a kn plugin, with the BUILT shims (npm run build first): the real kubectl finds
// `kubectl-bgctl` on PATH and runs it; kn (not installed here) runs `kn-bgctl` with the remaining arguments and
// its own environment, which this test does directly. Help, usage lines and hints name the command as typed.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireKubectl } from '../helpers/kubectl.js';
import { usePlayground } from '../helpers/playground.js';
import type { CliResult } from '../helpers/cli.js';

const BIN_DIR = fileURLToPath(new URL('../../bin/', import.meta.url));

/** Runs `file args` with only the given environment (PATH includes the plugin dir and node). */
function run(file: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

describe('kubectl bgctl and kn bgctl (plugin shims)', () => {
  const pg = usePlayground({ sample: 'hello' });
  let dir: string;
  let home: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bgctl-plugins-'));
    home = mkdtempSync(join(tmpdir(), 'bgctl-plugins-home-'));
    // As `npm install -g` links them: a symlink named like the plugin, pointing at the shim.
    symlinkSync(join(BIN_DIR, 'kubectl-bgctl.js'), join(dir, 'kubectl-bgctl'));
    symlinkSync(join(BIN_DIR, 'kn-bgctl.js'), join(dir, 'kn-bgctl'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  /** A clean environment: the plugin dir and node on PATH, an empty HOME, no color. */
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    PATH: [dir, dirname(process.execPath), process.env.PATH ?? ''].join(delimiter),
    HOME: home,
    KUBECACHEDIR: join(home, 'cache'),
    NO_COLOR: '1',
    ...extra,
  });

  test('kubectl plugin list finds kubectl-bgctl on PATH', async (t) => {
    const kubectl = requireKubectl(t);
    if (!kubectl) return;
    const r = await run(kubectl, ['plugin', 'list'], env());
    assert.ok(r.stdout.split('\n').includes(join(dir, 'kubectl-bgctl')), r.stdout + r.stderr);
  });

  test('kubectl bgctl status SERVICE reads the service from the playground', async (t) => {
    const kubectl = requireKubectl(t);
    if (!kubectl) return;
    const r = await run(kubectl, ['bgctl', 'status', 'hello'], env({ KUBECONFIG: pg.current.kubeconfigPath }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Service: hello \(namespace default\)$/m);
  });

  test("kubectl's global flags after the plugin name work as bgctl's: --kubeconfig, --context, -n/--namespace=", async (t) => {
    const kubectl = requireKubectl(t);
    if (!kubectl) return;
    const kubeconfig = pg.current.kubeconfigPath;
    const ok = await run(
      kubectl,
      ['bgctl', 'status', 'hello', '--kubeconfig', kubeconfig, '--context', 'bgctl-playground', '-n', 'default'],
      env(),
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^Service: hello \(namespace default\)$/m);

    const otherNs = await run(
      kubectl,
      ['bgctl', '--namespace=kube-public', 'status', 'hello'],
      env({ KUBECONFIG: kubeconfig }),
    );
    assert.equal(otherNs.code, 1);
    assert.match(otherNs.stderr, /service "hello" not found in namespace "kube-public"/);

    const badContext = await run(
      kubectl,
      ['bgctl', 'status', 'hello', '--context', 'nope'],
      env({ KUBECONFIG: kubeconfig }),
    );
    assert.equal(badContext.code, 4);
    assert.match(badContext.stderr, /context "nope" is not in the kubeconfig/);
  });

  test("kubectl's spellings of its global flags: --request-timeout=SECONDS, --insecure-skip-tls-verify=BOOL, -v=LEVEL", async (t) => {
    const kubectl = requireKubectl(t);
    if (!kubectl) return;
    const e = env({ KUBECONFIG: pg.current.kubeconfigPath });
    // kubectl reads a bare number as seconds and a bool flag's =true/=false; -v=N is its log level.
    const ok = await run(kubectl, ['bgctl', 'status', 'hello', '--request-timeout=30', '-v=6'], e);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /^Using kubeconfig /m, 'verbose names the configuration used');
    const quiet = await run(kubectl, ['bgctl', 'status', 'hello', '--insecure-skip-tls-verify=false', '-v=0'], e);
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.doesNotMatch(quiet.stderr, /not protected against interception|^Using kubeconfig /m);
    const insecure = await run(kubectl, ['bgctl', 'status', 'hello', '--insecure-skip-tls-verify=true'], e);
    assert.equal(insecure.code, 0, insecure.stderr);
    assert.match(insecure.stderr, /TLS certificate verification is disabled/);
    const bad = await run(kubectl, ['bgctl', 'status', 'hello', '--insecure-skip-tls-verify=maybe'], e);
    assert.equal(bad.code, 2, bad.stderr);
    const shortV = await run(kubectl, ['bgctl', 'status', 'hello', '-v'], e);
    assert.equal(shortV.code, 0, shortV.stderr);
    assert.match(shortV.stderr, /^Using kubeconfig /m);
  });

  test('kubectl bgctl --help, a verb help and a usage hint name "kubectl bgctl"', async (t) => {
    const kubectl = requireKubectl(t);
    if (!kubectl) return;
    const help = await run(kubectl, ['bgctl', '--help'], env());
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: kubectl bgctl \[options\] \[command\]$/m);

    const split = await run(kubectl, ['bgctl', 'split', '--help'], env());
    assert.match(split.stdout, /^Usage: kubectl bgctl split \[options\] \[service\]$/m);
    assert.match(split.stdout, /^ {2}kubectl bgctl split hello --percent 50 --yes$/m);
    assert.doesNotMatch(split.stdout, /(^|[^l] )bgctl split/m, 'no bare `bgctl split` left');
    // Prose about bgctl stays prose.
    assert.match(split.stdout, /since bgctl recorded the rollout/);

    const usage = await run(kubectl, ['bgctl', 'split'], env());
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^Hint: .*kubectl bgctl split SERVICE$/m);

    const unknown = await run(kubectl, ['bgctl', 'splitt'], env());
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^Hint: see kubectl bgctl --help$/m);
  });

  test('kn-bgctl, run as kn runs a plugin (remaining args, same env): status, help and hints name "kn bgctl"', async () => {
    const kn = join(dir, 'kn-bgctl');
    const r = await run(kn, ['status', 'hello'], env({ KUBECONFIG: pg.current.kubeconfigPath }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Service: hello \(namespace default\)$/m);
    assert.match(r.stderr, /^Next: kn bgctl pin hello/m);

    const help = await run(kn, ['rollout', '--help'], env());
    assert.match(help.stdout, /^Usage: kn bgctl rollout \[options\] \[service\]$/m);
    assert.match(
      help.stdout,
      /kn bgctl rollout hello --image IMG --until staged --yes && kn bgctl rollout hello --resume/,
    );

    const missing = await run(kn, ['status'], env());
    assert.equal(missing.code, 4);
    assert.match(missing.stderr, /start a local cluster with `kn bgctl playground`/);
  });

  test('plain bgctl is unchanged', async () => {
    const r = await run(process.execPath, [join(BIN_DIR, 'bgctl.js'), 'split', '--help'], env());
    assert.match(r.stdout, /^Usage: bgctl split \[options\] \[service\]$/m);
    assert.match(r.stdout, /^ {2}bgctl split hello --percent 50 --yes$/m);
  });
});
