// The BUILT CLI (bin/bgctl.js + dist/, as users run it): which code each path loads, and that the
// trimmed client-node bundle still talks to a cluster. Each run gets a preloaded hook that records the
// files it loads; the chunks' .map files say which sources went into each chunk. No timings here:
// speed is measured by `npm run bench` (docs/benchmarks.md).
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import yaml from 'js-yaml';
import { usePlayground, type Playground } from '../helpers/playground.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');
const BIN = join(ROOT, 'bin', 'bgctl.js');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Code only some paths may load: the cluster client, the prompts, the spinner, the playground's TLS library, colors,
 * the Prometheus client's HTTP (node:http and node:https).
 */
const HEAVY = /node_modules\/(@kubernetes\/client-node|@inquirer\/|ora\/|node-forge\/|chalk\/)|src\/metrics\/http\.ts/;

/** Builds dist/ if it is missing (npm test builds first; a lone `run-tests startup` may not have). */
async function ensureBuilt(): Promise<void> {
  if (existsSync(join(DIST, 'cli.js'))) return;
  const { buildCli } = (await import(pathToFileURL(join(ROOT, 'scripts', 'build.mjs')).href)) as {
    buildCli: () => Promise<unknown>;
  };
  await buildCli();
}

/** The sources bundled into each dist chunk, from its linked source map. */
function chunkSources(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const name of readdirSync(DIST)) {
    if (!name.endsWith('.js') || !existsSync(join(DIST, `${name}.map`))) continue;
    const map = JSON.parse(readFileSync(join(DIST, `${name}.map`), 'utf8')) as { sources: string[] };
    out.set(
      name,
      map.sources.map((s) => s.replace(/^(\.\.\/)+/, '')),
    );
  }
  return out;
}

interface TracedRun {
  code: number;
  stdout: string;
  stderr: string;
  /** dist files the run loaded, e.g. `cli.js`. */
  chunks: string[];
  /** Sources inside those chunks, e.g. `node_modules/ora/index.js`, `src/cli.ts`. */
  sources: string[];
}

// The built CLI is CommonJS (scripts/build.mjs): every file it loaded is in require.cache at exit.
const HOOK = `'use strict';
const { writeFileSync } = require('node:fs');
process.once('exit', () => writeFileSync(process.env.BGCTL_TRACE_FILE, Object.keys(require.cache).join('\\n')));
`;

/** Runs `node bin/bgctl.js ...argv` (clean environment plus env), recording every module it loads. */
async function runTraced(argv: string[], env: Record<string, string> = {}): Promise<TracedRun> {
  const dir = mkdtempSync(join(tmpdir(), 'bgctl-startup-'));
  try {
    const trace = join(dir, 'loaded.txt');
    writeFileSync(trace, '');
    writeFileSync(join(dir, 'trace.cjs'), HOOK);
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--require', join(dir, 'trace.cjs'), BIN, ...argv], {
        env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1', BGCTL_TRACE_FILE: trace, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? 1, stdout, stderr });
      });
    });
    const prefix = DIST + '/';
    const loaded = readFileSync(trace, 'utf8').split('\n');
    const chunks = [...new Set(loaded.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length)))];
    const byChunk = chunkSources();
    return { ...run, chunks, sources: chunks.flatMap((c) => byChunk.get(c) ?? []) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** GET /sim/v1/requests of the playground over HTTPS (the request log is the source of request counts). */
function simRequests(pg: Playground): Promise<Array<{ verb: string; resource?: string; path: string }>> {
  const kc = yaml.load(pg.kubeconfig) as { clusters: Array<{ cluster: { 'certificate-authority-data': string } }> };
  const ca = Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64');
  return new Promise((resolve, reject) => {
    const req = request(
      `${pg.server}/sim/v1/requests`,
      { ca, headers: { authorization: `Bearer ${pg.token}` } },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(JSON.parse(body).requests) : reject(new Error(`${res.statusCode}: ${body}`)),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const heavyIn = (sources: string[]): string[] => sources.filter((s) => HEAVY.test(s));

describe('start-up paths of the built CLI load only what they need', () => {
  before(ensureBuilt);

  test('--version prints the version and loads no client, prompt, spinner or YAML code', async () => {
    const r = await runTraced(['--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${VERSION}\n`);
    assert.ok(r.chunks.includes('cli.js'), `the trace saw the bundle: ${r.chunks.join(', ')}`);
    assert.deepEqual(heavyIn(r.sources), []);
    assert.deepEqual(
      r.sources.filter((s) => /node_modules\/js-yaml\/|src\/(kube|sim)\//.test(s)),
      [],
    );
    // A bare --version needs no argument parser and no verb catalog (src/cli.ts answers it first).
    assert.deepEqual(
      r.sources.filter((s) => /node_modules\/commander\/|src\/commands\//.test(s)),
      [],
    );
  });

  test('--help lists the verbs and loads no client, prompt, spinner or YAML code', async () => {
    const r = await runTraced(['--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: bgctl /m);
    for (const verb of ['rollout', 'pin', 'deploy', 'stage', 'split', 'promote', 'status'])
      assert.match(r.stdout, new RegExp(`^  ${verb}\\b`, 'm'));
    assert.deepEqual(heavyIn(r.sources), []);
    assert.deepEqual(
      r.sources.filter((s) => /node_modules\/js-yaml\/|src\/(kube|sim|commands\/shared)\//.test(s)),
      [],
    );
  });

  test('bgctl version (also -o json) loads no client, prompt, spinner or playground code', async () => {
    const r = await runTraced(['version', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).version, VERSION);
    assert.deepEqual(heavyIn(r.sources), []);
    assert.deepEqual(
      r.sources.filter((s) => /src\/(kube|sim)\//.test(s)),
      [],
    );
  });

  test("a verb's --help and a usage error stay off the heavy paths too", async () => {
    const help = await runTraced(['deploy', '--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /--image <image>/);
    assert.deepEqual(heavyIn(help.sources), []);
    const bad = await runTraced(['no-such-verb']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^Error: unknown command 'no-such-verb'/);
    assert.deepEqual(heavyIn(bad.sources), []);
  });
});

describe('colors load only when they are on', () => {
  before(ensureBuilt);

  test('a usage error with FORCE_COLOR prints red through chalk; with NO_COLOR chalk stays unloaded', async () => {
    const colored = await runTraced(['no-such-verb'], { NO_COLOR: '', FORCE_COLOR: '1' });
    assert.equal(colored.code, 2);
    assert.ok(colored.stderr.includes("\u001b[31mError: unknown command 'no-such-verb'"), colored.stderr);
    assert.ok(
      colored.sources.some((s) => s.startsWith('node_modules/chalk/')),
      `chalk was loaded: ${colored.sources.join(', ')}`,
    );
    const plain = await runTraced(['no-such-verb']);
    assert.equal(plain.code, 2);
    assert.ok(!plain.stderr.includes('\u001b['), plain.stderr);
    assert.ok(!plain.sources.some((s) => s.startsWith('node_modules/chalk/')));
  });
});

describe('the built CLI against a playground (bundled, trimmed client-node)', () => {
  const pg = usePlayground({ sample: 'hello' });
  before(ensureBuilt);

  test('status -o json reads the service through the trimmed client-node chunk', async () => {
    const r = await runTraced(['status', 'hello', '-o', 'json'], { KUBECONFIG: pg.current.kubeconfigPath });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.apiVersion, 'bgctl.dev/v1');
    assert.equal(doc.name, 'hello');
    assert.equal(doc.traffic[0].revisionName, 'hello-00001');
    // The positive control for the tests above: this path does load client-node...
    assert.ok(
      r.sources.some((s) => s.startsWith('node_modules/@kubernetes/client-node/')),
      'client-node was loaded',
    );
    // ...but only the trimmed part: no other API group, no URL polyfill, no prompts, no playground.
    const unwanted = r.sources.filter((s) =>
      /client-node\/(dist|src)\/gen\/apis\/(CoreV1Api|AppsV1Api)|client-node\/(dist|src)\/(informer|cp|exec|attach)\.[jt]s|\/(tr46|whatwg-url)\/|@inquirer\/|node-forge\//.test(
        s,
      ),
    );
    assert.deepEqual(unwanted, []);
  });

  test('status -o yaml loads js-yaml through createRequire(import.meta.url) in the CommonJS build', async () => {
    const r = await runTraced(['status', 'hello', '-o', 'yaml'], { KUBECONFIG: pg.current.kubeconfigPath });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^apiVersion: bgctl\.dev\/v1\n/);
    assert.match(r.stdout, /^kind: ServiceStatus$/m);
    assert.equal((yaml.load(r.stdout) as { name: string }).name, 'hello');
  });

  test('deploy --yes writes and waits on a watch stream (client-node Watch from the bundle)', async () => {
    const r = await runTraced(['deploy', 'hello', '--image', 'ghcr.io/bgctl/hello:v2', '--yes', '-o', 'json'], {
      KUBECONFIG: pg.current.kubeconfigPath,
      BGCTL_ACTOR: 'tester',
    });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.newRevision, 'hello-00002');
    const def = pg.current.registry.resource('services', 'serving.knative.dev')!;
    const svc = pg.current.registry.get(def, 'default', 'hello');
    assert.equal(svc.spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v2');
    assert.deepEqual(svc.spec.traffic, [{ revisionName: 'hello-00001', percent: 100, latestRevision: false }]);
    const watches = (await simRequests(pg.current)).filter((q) => q.verb === 'watch' && q.resource === 'services');
    assert.ok(watches.length >= 1, 'the wait used a watch');
  });
});

describe('the CommonJS build keeps ESM semantics and its source maps', () => {
  before(ensureBuilt);

  test('every file is strict, marked CommonJS, and every source map names files that exist', () => {
    assert.deepEqual(JSON.parse(readFileSync(join(DIST, 'package.json'), 'utf8')), { type: 'commonjs' });
    const files = readdirSync(DIST).filter((n) => n.endsWith('.js'));
    assert.ok(files.length > 10, files.join(', '));
    for (const name of files) {
      // The directive must be the first statement: anything before it makes the file sloppy mode.
      assert.match(readFileSync(join(DIST, name), 'utf8'), /^['"]use strict['"];/, name);
      if (!existsSync(join(DIST, `${name}.map`))) continue;
      const map = JSON.parse(readFileSync(join(DIST, `${name}.map`), 'utf8')) as { sources: string[] };
      // Chained maps: our sources and the packages' files, never the deleted intermediate ESM build.
      for (const src of map.sources) {
        assert.ok(!src.includes('.tmp/'), `${name}.map names ${src}`);
        if (src.startsWith('../src/')) assert.ok(existsSync(join(DIST, src)), `${name}.map names ${src}`);
      }
    }
  });
});

describe('the build guards its trimmed entries', () => {
  test('a client-node or inquirer name that src/ uses but the slim entry lacks fails the build', async () => {
    const { checkSlimNames, usedNames } = (await import(pathToFileURL(join(ROOT, 'scripts', 'build.mjs')).href)) as {
      checkSlimNames: (srcDir?: string) => void;
      usedNames: (source: string, pkg: string) => Set<string>;
    };
    const code =
      "const k8s = await import('@kubernetes/client-node');\nconst api = kc.makeApiClient(k8s.CoreV1Api);\nconst { KubeConfig, Watch: W } = await import('@kubernetes/client-node');";
    assert.deepEqual([...usedNames(code, '@kubernetes/client-node')].sort(), ['CoreV1Api', 'KubeConfig', 'Watch']);
    assert.deepEqual(
      [...usedNames("async (p: typeof import('@inquirer/prompts')) => p.editor({})", '@inquirer/prompts')],
      ['editor'],
    );
    const dir = mkdtempSync(join(tmpdir(), 'bgctl-slim-'));
    try {
      writeFileSync(join(dir, 'uses.ts'), code);
      assert.throws(() => checkSlimNames(dir), /@kubernetes\/client-node "CoreV1Api"/);
      writeFileSync(join(dir, 'uses.ts'), "const { KubeConfig } = await import('@kubernetes/client-node');");
      assert.doesNotThrow(() => checkSlimNames(dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // And the real sources pass, which is what every build checks first.
    assert.doesNotThrow(() => checkSlimNames());
  });
});
