// The krew release (npm run release, scripts/krew-manifest.mjs) with the BUILT dist (npm run build first): the
// archive is extracted into an empty directory and run with no node_modules around it and no NODE_PATH, through the
// real kubectl plugin mechanism (its bin/ on PATH) and through a krew-style install (the manifest's file operations,
// then `bin` linked as kubectl-bgctl), against the playground. The manifest passes krew's own checks
// (test/helpers/krew-rules.ts) and its sha256 is the archive's.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  accessSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, parse as parsePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { requireKubectl } from '../helpers/kubectl.js';
import { krewProblems } from '../helpers/krew-rules.js';
import { ensureBuilt } from '../helpers/pty.js';
import { usePlayground } from '../helpers/playground.js';
import type { CliResult } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

function run(file: string, args: string[], env: Record<string, string>, cwd?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

const node = (args: string[], cwd = ROOT) => run(process.execPath, args, { PATH: process.env.PATH ?? '' }, cwd);
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** True when some directory from `dir` up holds node_modules/NAME (Node's require would find it there). */
function resolvableAbove(dir: string, name: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules', name))) return true;
    if (d === parsePath(d).root) return false;
  }
}

describe('release archive and krew manifest', () => {
  const pg = usePlayground({ sample: 'hello' });
  let work: string;
  let archive: string;
  let extracted: string;
  let manifest: any;

  before(async () => {
    ensureBuilt();
    work = mkdtempSync(join(tmpdir(), 'bgctl-release-test-'));
    const r = await node(['scripts/release.mjs', '--out', join(work, 'out'), '--no-build']);
    assert.equal(r.code, 0, r.stderr);
    archive = join(work, 'out', `bgctl-${pkg.version}.tar.gz`);
    extracted = join(work, 'extracted');
    mkdirSync(extracted);
    const tar = await run('tar', ['-xzf', archive, '-C', extracted], { PATH: process.env.PATH ?? '' });
    assert.equal(tar.code, 0, tar.stderr);
    const m = await node([
      'scripts/krew-manifest.mjs',
      '--url-base',
      'https://downloads.example.test/bgctl/v1',
      '--archive',
      archive,
      '--out',
      join(work, 'bgctl.yaml'),
    ]);
    assert.equal(m.code, 0, m.stderr);
    manifest = yaml.load(readFileSync(join(work, 'bgctl.yaml'), 'utf8'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  /** Only the extracted bin/ (or a krew bin dir) and node's directory on PATH; nothing else inherited. */
  const env = (binDir: string, extra: Record<string, string> = {}): Record<string, string> => ({
    PATH: [binDir, dirname(process.execPath), process.env.PATH ?? ''].join(delimiter),
    HOME: join(work, 'home'),
    KUBECACHEDIR: join(work, 'home', 'cache'),
    NO_COLOR: '1',
    ...extra,
  });

  test('the archive holds bin/ shims, dist/ and js-yaml bundled inside dist/, and nothing of node_modules else', () => {
    for (const f of ['bin/bgctl', 'bin/kubectl-bgctl', 'bin/kn-bgctl', 'bin/launch.js', 'bin/check-node.js'])
      assert.ok(existsSync(join(extracted, f)), f);
    for (const f of ['bin/bgctl', 'bin/kubectl-bgctl', 'bin/kn-bgctl']) accessSync(join(extracted, f), constants.X_OK);
    assert.ok(existsSync(join(extracted, 'dist/cli.js')));
    assert.ok(existsSync(join(extracted, 'README.md')));
    assert.equal(JSON.parse(readFileSync(join(extracted, 'package.json'), 'utf8')).type, 'commonjs');
    assert.ok(!existsSync(join(extracted, 'node_modules')));
    assert.ok(existsSync(join(extracted, 'dist/node_modules/js-yaml/index.js')));
    assert.ok(existsSync(join(extracted, 'dist/node_modules/js-yaml/LICENSE')));
    // Nothing above the extracted tree could stand in for a missing package.
    assert.ok(!resolvableAbove(dirname(extracted), 'js-yaml'), 'no js-yaml above the test directory');
  });

  test('kubectl bgctl from the extracted archive: plugin list, --help, status and status -o yaml (empty cwd)', async (t) => {
    const kubectl = requireKubectl(t);
    if (!kubectl) return;
    const bin = join(extracted, 'bin');
    const cwd = mkdtempSync(join(work, 'cwd-'));
    const list = await run(kubectl, ['plugin', 'list'], env(bin), cwd);
    assert.ok(list.stdout.split('\n').includes(join(bin, 'kubectl-bgctl')), list.stdout + list.stderr);
    const help = await run(kubectl, ['bgctl', '--help'], env(bin), cwd);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: kubectl bgctl \[options\] \[command\]$/m);
    const kc = { KUBECONFIG: pg.current.kubeconfigPath };
    const status = await run(kubectl, ['bgctl', 'status', 'hello'], env(bin, kc), cwd);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^Service: hello \(namespace default\)$/m);
    const asYaml = await run(kubectl, ['bgctl', 'status', 'hello', '-o', 'yaml'], env(bin, kc), cwd);
    assert.equal(asYaml.code, 0, asYaml.stderr);
    assert.equal((yaml.load(asYaml.stdout) as { name: string }).name, 'hello');
  });

  test('without the bundled js-yaml the same -o yaml fails: the bundle is what makes the archive self-contained', async () => {
    const copy = join(work, 'stripped');
    cpSync(extracted, copy, { recursive: true });
    rmSync(join(copy, 'dist', 'node_modules'), { recursive: true });
    const r = await run(
      join(copy, 'bin', 'bgctl'),
      ['status', 'hello', '-o', 'yaml'],
      env(join(copy, 'bin'), { KUBECONFIG: pg.current.kubeconfigPath }),
    );
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /js-yaml/);
  });

  test('the manifest passes krew’s checks, names the archive and carries its sha256', () => {
    assert.deepEqual(krewProblems('bgctl', manifest), []);
    assert.equal(manifest.spec.version, `v${pkg.version}`);
    const platforms = manifest.spec.platforms.map(
      (p: any) => `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`,
    );
    assert.deepEqual(platforms.sort(), ['darwin/amd64', 'darwin/arm64', 'linux/amd64', 'linux/arm64']);
    for (const p of manifest.spec.platforms) {
      assert.equal(p.uri, `https://downloads.example.test/bgctl/v1/bgctl-${pkg.version}.tar.gz`);
      assert.equal(p.sha256, sha256(archive));
      assert.equal(p.bin, 'bin/kubectl-bgctl');
    }
    assert.match(manifest.spec.caveats, /Node\.js 20\.17 or newer/);
    // The checks catch what krew refuses (so an empty list above means something).
    const broken = structuredClone(manifest);
    broken.spec.version = pkg.version;
    broken.spec.platforms[0].sha256 = 'ABC';
    broken.spec.platforms[1].selector = { matchLabels: { os: 'linux', cpu: 'x' } };
    broken.spec.shortDescription = 'two\nlines';
    assert.equal(krewProblems('bgctl', broken).length, 4, krewProblems('bgctl', broken).join('; '));
    assert.deepEqual(
      krewProblems('bg/ctl', { ...manifest, metadata: { name: 'bg/ctl' } }).map((m) => m.slice(0, 15)),
      ['the plugin name'],
    );
  });

  test('a krew-style install (file operations, bin linked as kubectl-bgctl) runs kubectl bgctl status', async (t) => {
    const kubectl = requireKubectl(t);
    if (!kubectl) return;
    const platform = manifest.spec.platforms[0];
    const install = join(work, 'krew', 'store', 'bgctl', manifest.spec.version);
    for (const op of platform.files) {
      const to = op.to === '.' ? join(install, op.from) : join(install, op.to);
      mkdirSync(dirname(to), { recursive: true });
      cpSync(join(extracted, op.from), to, { recursive: true });
    }
    const krewBin = join(work, 'krew', 'bin');
    mkdirSync(krewBin, { recursive: true });
    symlinkSync(join(install, platform.bin), join(krewBin, 'kubectl-bgctl'));
    const r = await run(kubectl, ['bgctl', 'status', 'hello'], env(krewBin, { KUBECONFIG: pg.current.kubeconfigPath }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Service: hello \(namespace default\)$/m);
  });

  test('the same dist gives the same archive (same sha256); krew-manifest without --url-base writes nothing', async () => {
    const again = await node(['scripts/release.mjs', '--out', join(work, 'again'), '--no-build']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(sha256(join(work, 'again', `bgctl-${pkg.version}.tar.gz`)), sha256(archive));
    const out = join(work, 'none.yaml');
    const r = await node(['scripts/krew-manifest.mjs', '--archive', archive, '--out', out]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--url-base URL is required/);
    assert.ok(!existsSync(out));
  });

  test('the shims refuse a Node older than package.json engines with a clear error (exit 1)', async () => {
    assert.equal(pkg.engines.node, '>=20.17');
    const check = join(extracted, 'bin', 'check-node.js');
    const old = await node(['-e', `require(${JSON.stringify(check)})('kubectl bgctl', '20.16.0')`]);
    assert.equal(old.code, 1);
    assert.match(old.stderr, /^Error: kubectl bgctl needs Node\.js 20\.17 or newer; `node` here is 20\.16\.0 /);
    assert.match(old.stderr, /^Hint: install Node\.js/m);
    for (const ok of ['20.17.0', '22.1.0']) {
      const r = await node(['-e', `require(${JSON.stringify(check)})('bgctl', '${ok}')`]);
      assert.equal(r.code, 0, `${ok}: ${r.stderr}`);
    }
  });
});
