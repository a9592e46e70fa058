// `bgctl playground` end to end: the built CLI as a child process (npm test builds dist/ first),
// kubectl and plain HTTP against what it prints, and a clean shutdown on SIGINT and SIGTERM.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  existsSync,
  writeFileSync,
  symlinkSync,
  statSync,
  lstatSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { BIN, runBin } from '../helpers/cli.js';
import { createKubectl, requireKubectl } from '../helpers/kubectl.js';
import { ingressGet } from '../helpers/ingress.js';

const WAIT_MS = 60_000;

interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout holds `lines` complete lines. */
  lines(n: number): Promise<string[]>;
  /** Resolves once stderr contains `text`. */
  stderrHas(text: string): Promise<void>;
  /** Sends `sig` and resolves with the exit code. */
  stop(sig: NodeJS.Signals): Promise<number | null>;
}

function start(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [BIN, 'playground', ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (d) => {
    out += d;
    for (const w of [...waiters]) w();
  });
  child.stderr!.on('data', (d) => {
    err += d;
    for (const w of [...waiters]) w();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let dead = false;
  exited.then(() => {
    dead = true;
    for (const w of [...waiters]) w();
  });
  const when = <T>(test: () => T | undefined, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`timed out waiting for ${what}; stdout: ${out}\nstderr: ${err}`)),
        WAIT_MS,
      );
      const check = () => {
        const v = test();
        if (v !== undefined) return done(undefined, v);
        if (dead) done(new Error(`bgctl playground exited before ${what}; stdout: ${out}\nstderr: ${err}`));
      };
      const done = (e?: Error, v?: T) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (e) reject(e);
        else resolve(v as T);
      };
      waiters.add(check);
      check();
    });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    lines: (n) =>
      when(() => {
        const got = out.split('\n');
        return got.length > n ? got.slice(0, n) : undefined;
      }, `${n} line(s) on stdout`),
    stderrHas: (text) =>
      when(() => (err.includes(text) ? true : undefined), JSON.stringify(text)).then(() => undefined),
    stop: (sig) => {
      if (!dead) child.kill(sig);
      const timer = setTimeout(() => child.kill('SIGKILL'), WAIT_MS);
      return exited.finally(() => clearTimeout(timer));
    },
  };
}

const httpGet = (address: string, host: string) => ingressGet(address, host);

/** True when nothing listens on 127.0.0.1:port any more. */
function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

const portOf = (hostPort: string) => Number(hostPort.split(':').pop());

describe('bgctl playground (built CLI)', () => {
  test('-o json --sample: one JSON line once ready; kubectl and the ingress work; SIGINT stops it cleanly', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bgctl-pg-json-'));
    const kubeconfig = join(dir, 'nested', 'kubeconfig');
    const pg = start(['-o', 'json', '--kubeconfig-out', kubeconfig, '--sample', 'hello']);
    try {
      const [line] = await pg.lines(1);
      const doc = JSON.parse(line);
      assert.deepEqual(Object.keys(doc), [
        'apiVersion',
        'kind',
        'kubeconfig',
        'server',
        'ingress',
        'metrics',
        'namespace',
      ]);
      assert.equal(doc.apiVersion, 'bgctl.dev/v1');
      assert.equal(doc.kind, 'Playground');
      assert.equal(doc.kubeconfig, kubeconfig);
      assert.match(doc.server, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.match(doc.ingress, /^127\.0\.0\.1:\d+$/);
      assert.match(doc.metrics, /^127\.0\.0\.1:\d+$/);
      assert.equal(doc.namespace, 'default');
      // The scrape target has the Ready sample's series (at 0: no --load) when the line is printed.
      const scrape = await fetch(`http://${doc.metrics}/metrics`);
      assert.equal(scrape.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
      assert.match(
        await scrape.text(),
        /^kn_serving_invocation_duration_seconds_count\{http_response_status_code="200",k8s_namespace_name="default",kn_configuration_name="hello",kn_revision_name="hello-00001",kn_service_name="hello"\} 0$/m,
      );

      // The kubeconfig: CA data and a bearer token, never insecure-skip-tls-verify.
      const kc = yaml.load(readFileSync(kubeconfig, 'utf8')) as any;
      assert.equal(kc.clusters[0].cluster.server, doc.server);
      assert.ok(kc.clusters[0].cluster['certificate-authority-data']);
      assert.equal(kc.clusters[0].cluster['insecure-skip-tls-verify'], undefined);
      assert.match(kc.users[0].user.token, /^[0-9a-f]{48}$/);
      assert.ok(existsSync(`${kubeconfig}.readonly`));

      // The sample is Ready when the line is printed, and the ingress serves it by Host header.
      const r = await httpGet(doc.ingress, 'hello.default.example.com');
      assert.equal(r.status, 200);
      assert.equal(r.revision, 'hello-00001');
      assert.equal(r.body, 'Hello from hello-00001 (service hello, image ghcr.io/bgctl/hello:v1)\n');
      assert.equal((await httpGet(doc.ingress, 'nope.default.example.com')).status, 404);

      const bin = requireKubectl(t);
      if (bin) {
        const k = createKubectl(bin, kubeconfig);
        try {
          const got = await k.run(['get', 'ksvc', 'hello', '-o', 'json']);
          assert.equal(got.code, 0, got.stderr);
          const svc = JSON.parse(got.stdout);
          assert.equal(svc.status.url, 'http://hello.default.example.com');
          assert.equal(svc.status.conditions.find((c: any) => c.type === 'Ready').status, 'True');
          const table = await k.run(['get', 'ksvc']);
          assert.equal(table.code, 0, table.stderr);
          assert.match(
            table.stdout,
            /^NAME\s+URL\s+LATESTCREATED\s+LATESTREADY\s+READY\s+REASON\nhello\s+http:\/\/hello\.default\.example\.com\s+hello-00001\s+hello-00001\s+True\s*\n$/,
          );
          // The read-only kubeconfig reads but cannot write.
          const ro = createKubectl(bin, `${kubeconfig}.readonly`);
          try {
            assert.equal(
              (await ro.run(['get', 'ksvc', 'hello', '-o', 'name'])).stdout,
              'service.serving.knative.dev/hello\n',
            );
            const denied = await ro.run(['delete', 'ksvc', 'hello']);
            assert.notEqual(denied.code, 0);
            assert.match(denied.stderr, /Forbidden/);
          } finally {
            ro.dispose();
          }
        } finally {
          k.dispose();
        }
      }

      const code = await pg.stop('SIGINT');
      assert.equal(code, 0, pg.stderr());
      assert.equal(pg.stdout(), line + '\n', 'exactly one line on stdout');
      assert.equal(pg.stderr(), '');
      assert.ok(await portClosed(portOf(doc.server)), 'API server port closed');
      assert.ok(await portClosed(portOf(doc.ingress)), 'ingress port closed');
      assert.ok(await portClosed(portOf(doc.metrics)), 'metrics port closed');
      // The read-only kubeconfig next to a chosen path is removed; the chosen one is kept.
      assert.ok(!existsSync(`${kubeconfig}.readonly`));
      assert.ok(existsSync(kubeconfig));
    } finally {
      await pg.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('table output: export lines on stdout, the rest on stderr; --domain; SIGTERM stops it cleanly', async () => {
    const home = mkdtempSync(join(tmpdir(), 'bgctl-pg-home-'));
    const pg = start(['--domain', 'test.example', '--sample', 'web'], { HOME: home });
    try {
      const lines = await pg.lines(2);
      // The default kubeconfig is bgctl's own file, never ~/.kube/config.
      const kubeconfig = join(home, '.bgctl', 'playground', 'kubeconfig');
      assert.equal(lines[0], `export KUBECONFIG=${kubeconfig}`);
      assert.match(lines[1], /^export BGCTL_INGRESS=127\.0\.0\.1:\d+$/);
      assert.ok(existsSync(kubeconfig));
      const ingress = lines[1].slice('export BGCTL_INGRESS='.length);
      const r = await httpGet(ingress, 'web.default.test.example');
      assert.equal(r.status, 200);
      assert.equal(r.revision, 'web-00001');
      await pg.stderrHas('Press Ctrl-C to stop.\n');
      const err = pg.stderr().replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
      assert.equal(
        err,
        '✓ Playground running: Kubernetes API https://127.0.0.1:PORT, Knative Serving (domain test.example)\n' +
          '✓ Sample service "web" is Ready in namespace default\n' +
          '\n' +
          "Ingress: http://127.0.0.1:PORT (send the service's Host header, e.g. curl -H 'Host: web.default.test.example' http://127.0.0.1:PORT/)\n" +
          'Metrics: http://127.0.0.1:PORT/metrics (Prometheus scrape target, Knative names; no load: --load RPS)\n' +
          'Try: bgctl status web   ·   kubectl get ksvc\n' +
          'Press Ctrl-C to stop.\n',
      );
      const kc = yaml.load(readFileSync(kubeconfig, 'utf8')) as any;
      const code = await pg.stop('SIGTERM');
      assert.equal(code, 0, pg.stderr());
      assert.equal(pg.stdout(), `${lines[0]}\n${lines[1]}\n`);
      assert.match(pg.stderr(), /Press Ctrl-C to stop\.\nPlayground stopped\.\n$/);
      assert.ok(await portClosed(portOf(kc.clusters[0].cluster.server)), 'API server port closed');
      assert.ok(await portClosed(portOf(ingress)), 'ingress port closed');
    } finally {
      await pg.stop('SIGKILL');
      rmSync(home, { recursive: true, force: true });
    }
  });

  test('-o yaml prints the same document as YAML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgctl-pg-yaml-'));
    const pg = start(['-o', 'yaml', '--kubeconfig-out', join(dir, 'kc')]);
    try {
      await pg.lines(6);
      const doc = yaml.load(pg.stdout()) as any;
      assert.equal(doc.apiVersion, 'bgctl.dev/v1');
      assert.equal(doc.kind, 'Playground');
      assert.equal(doc.kubeconfig, join(dir, 'kc'));
      assert.equal(doc.namespace, 'default');
      assert.equal(await pg.stop('SIGINT'), 0);
    } finally {
      await pg.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--load --metrics-format legacy: the legacy series count the load; the ready output says where', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgctl-pg-load-'));
    const pg = start(['--load', '50', '--metrics-format', 'legacy', '--sample', 'hello'], { HOME: dir });
    try {
      await pg.stderrHas('Press Ctrl-C to stop.\n');
      const m = pg
        .stderr()
        .match(
          /\nMetrics: http:\/\/(127\.0\.0\.1:\d+)\/metrics \(Prometheus scrape target, Knative 1\.18 names; load 50 req\/s to every service with traffic\)\n/,
        );
      assert.ok(m, pg.stderr());
      // Real time: the load runs on the wall clock, as Prometheus scrapes it; ask until it has been counted.
      const counted =
        /^revision_app_request_count\{[^}]*response_code="200"[^}]*revision_name="hello-00001"[^}]*\} ([1-9]\d*)$/m;
      const deadline = Date.now() + WAIT_MS;
      let text = '';
      while (!counted.test(text) && Date.now() < deadline) text = await (await fetch(`http://${m[1]}/metrics`)).text();
      assert.match(text, counted);
      assert.equal(await pg.stop('SIGINT'), 0);
      assert.ok(await portClosed(portOf(m[1])), 'metrics port closed');
    } finally {
      await pg.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--clusters 3 -o json: the ready line lists each cluster; kubectl sees three contexts; SIGINT stops all', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bgctl-pg-clusters-'));
    const kubeconfig = join(dir, 'kc');
    const pg = start(['--clusters', '3', '-o', 'json', '--kubeconfig-out', kubeconfig, '--sample', 'hello']);
    try {
      const [line] = await pg.lines(1);
      const doc = JSON.parse(line);
      assert.deepEqual(Object.keys(doc), [
        'apiVersion',
        'kind',
        'kubeconfig',
        'server',
        'ingress',
        'metrics',
        'namespace',
        'clusters',
      ]);
      assert.deepEqual(
        doc.clusters.map((c: any) => Object.keys(c)),
        [0, 1, 2].map(() => ['context', 'server', 'ingress', 'metrics']),
      );
      assert.deepEqual(
        doc.clusters.map((c: any) => c.context),
        ['playground-1', 'playground-2', 'playground-3'],
      );
      // The top-level fields stay those of the first cluster, for scripts written for one.
      assert.deepEqual(
        { server: doc.server, ingress: doc.ingress, metrics: doc.metrics },
        { server: doc.clusters[0].server, ingress: doc.clusters[0].ingress, metrics: doc.clusters[0].metrics },
      );
      const ports = doc.clusters.flatMap((c: any) => [c.server, c.ingress, c.metrics].map(portOf));
      assert.equal(new Set(ports).size, 9, 'every cluster has its own three ports');
      // --sample: Ready in each, each served by its own ingress.
      for (const c of doc.clusters)
        assert.equal((await httpGet(c.ingress, 'hello.default.example.com')).revision, 'hello-00001');

      const bin = requireKubectl(t);
      if (bin) {
        const k = createKubectl(bin, kubeconfig);
        try {
          const contexts = await k.run(['config', 'get-contexts', '-o', 'name']);
          assert.equal(contexts.stdout, 'playground-1\nplayground-2\nplayground-3\n', contexts.stderr);
          const got = await k.run(['--context', 'playground-2', 'get', 'ksvc']);
          assert.equal(got.code, 0, got.stderr);
          assert.match(
            got.stdout,
            /^hello\s+http:\/\/hello\.default\.example\.com\s+hello-00001\s+hello-00001\s+True/m,
          );
        } finally {
          k.dispose();
        }
      }

      assert.equal(await pg.stop('SIGINT'), 0, pg.stderr());
      assert.equal(pg.stderr(), '');
      for (const port of ports) assert.ok(await portClosed(port), `port ${port} closed`);
      assert.ok(!existsSync(`${kubeconfig}.readonly`));
    } finally {
      await pg.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--clusters outside 1-10 is a usage error (exit 2) and starts nothing', async () => {
    const r = await runBin(['playground', '--clusters', '11']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^Error: invalid value "11" for --clusters: must be a number of clusters from 1 to 10\n/);
  });

  test('a bad --port is a usage error (exit 2) naming the flag', async () => {
    const r = await runBin(['playground', '--port', 'http']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /--port/);
  });

  test('a port that is taken fails with exit 1 and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgctl-pg-busy-'));
    const first = start(['-o', 'json', '--kubeconfig-out', join(dir, 'a')]);
    try {
      const [line] = await first.lines(1);
      const port = String(portOf(JSON.parse(line).server));
      const r = await runBin(['playground', '--port', port, '--kubeconfig-out', join(dir, 'b')]);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.equal(
        r.stderr,
        `Error: address already in use 127.0.0.1:${port}\nHint: choose another --port, or 0 for a free one\n`,
      );
      assert.equal(await first.stop('SIGINT'), 0);
    } finally {
      await first.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('--kubeconfig-out over an existing 0644 file: both kubeconfigs are replaced with mode 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgctl-pg-mode-'));
    const kubeconfig = join(dir, 'kc');
    writeFileSync(kubeconfig, 'old admin\n', { mode: 0o644 });
    writeFileSync(`${kubeconfig}.readonly`, 'old viewer\n', { mode: 0o644 });
    const pg = start(['-o', 'json', '--kubeconfig-out', kubeconfig]);
    try {
      const [line] = await pg.lines(1);
      for (const file of [kubeconfig, `${kubeconfig}.readonly`]) {
        assert.equal(statSync(file).mode & 0o777, 0o600, file);
        const kc = yaml.load(readFileSync(file, 'utf8')) as any;
        assert.equal(kc.clusters[0].cluster.server, JSON.parse(line).server);
      }
      assert.match(readFileSync(`${kubeconfig}.readonly`, 'utf8'), /name: bgctl-playground-readonly/);
      assert.equal(await pg.stop('SIGINT'), 0);
    } finally {
      await pg.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const which of ['kubeconfig', 'read-only kubeconfig'] as const) {
    test(`a symlink at the ${which} path is refused (exit 2) and its target left untouched`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bgctl-pg-link-'));
      try {
        const kubeconfig = join(dir, 'kc');
        const link = which === 'kubeconfig' ? kubeconfig : `${kubeconfig}.readonly`;
        const target = join(dir, 'precious');
        writeFileSync(target, 'do not overwrite\n', { mode: 0o644 });
        symlinkSync(target, link);
        const r = await runBin(['playground', '--kubeconfig-out', kubeconfig]);
        assert.equal(r.code, 2);
        assert.equal(r.stdout, '');
        assert.match(
          r.stderr,
          new RegExp(
            `^Error: refusing to write the ${which} to ${link.replace(/[.]/g, '\\.')}: it is a symbolic link\n`,
          ),
        );
        assert.match(r.stderr, /Hint: pass --kubeconfig-out a path that is not a symbolic link/);
        assert.equal(readFileSync(target, 'utf8'), 'do not overwrite\n');
        assert.equal(statSync(target).mode & 0o777, 0o644);
        assert.ok(lstatSync(link).isSymbolicLink());
        if (which === 'read-only kubeconfig')
          assert.equal(existsSync(kubeconfig), false, 'nothing written when either path is refused');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
