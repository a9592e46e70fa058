// `bgctl status SERVICE --watch` against the playground: in a pipe one block per change (a split made by another
// client meanwhile prints a new one) and exit 0 on abort; -o json one LiveStatus document per line per change; a
// hostile Prometheus's error shown escaped, its token never, and the watch going on; on a real terminal (pty) an
// in-place redraw with bars and Ctrl-C exiting 0; with a real Prometheus scraping the playground under load the
// rates and error rates of the revisions, and a Prometheus that goes down shown as an error line while the watch
// continues.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import yaml from 'js-yaml';
import type { AddressInfo } from 'node:net';
import { main } from '../../src/cli.js';
import { IOStreams, type TestIOStreams } from '../../src/ui/iostreams.js';
import { usePlayground } from '../helpers/playground.js';
import { prometheusSkip, startPrometheus, type StartedPrometheus } from '../helpers/prometheus.js';
import { Keys, ensureBuilt, spawnPty } from '../helpers/pty.js';
import { applyIntent, stagedService } from './read-setup.js';

// eslint-disable-next-line no-control-regex
const ESC = /\u001b/;

interface Watching {
  io: TestIOStreams;
  /** Resolves once stdout satisfies `pred` (checked on every write). */
  until(pred: (out: string) => boolean, what: string): Promise<void>;
  /** Aborts the watch as Ctrl-C does and resolves with the exit code. */
  stop(): Promise<number>;
}

/** Runs `bgctl ARGV` in-process with in-memory streams until stop(). */
function watch(argv: string[], env: Record<string, string>, opts: { tty?: boolean } = {}): Watching {
  const io = IOStreams.test({
    stdoutTTY: opts.tty,
    stderrTTY: opts.tty,
    width: 160,
    env: { NO_COLOR: '1', ...env },
  });
  const abort = new AbortController();
  let code: number | undefined;
  const running = main(argv, { io, signal: abort.signal }).then((c) => (code = c));
  const waiters = new Set<() => void>();
  const out = io.out;
  const write = out.write.bind(out);
  out.write = ((chunk: any, ...rest: any[]) => {
    const r = write(chunk, ...rest);
    queueMicrotask(() => waiters.forEach((w) => w()));
    return r;
  }) as typeof out.write;
  void running.then(() => waiters.forEach((w) => w()));
  return {
    io,
    until: (pred, what) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (pred(io.stdout)) {
            waiters.delete(check);
            resolve();
          } else if (code !== undefined) {
            waiters.delete(check);
            reject(new Error(`bgctl exited ${code} before ${what}:\n${io.stdout}\n${io.stderr}`));
          }
        };
        waiters.add(check);
        check();
      }),
    stop: async () => {
      abort.abort('SIGINT');
      return running;
    },
  };
}

/** The blocks a pipe got: each starts with its Service line. */
const blocks = (out: string) => out.split(/^(?=Service: )/m).filter(Boolean);
const docs = (out: string) =>
  out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('bgctl status --watch', () => {
  const pg = usePlayground();
  const env = () => ({ KUBECONFIG: pg.current.kubeconfigPath });

  test('in a pipe: one block per change, a split made meanwhile prints a new block, abort exits 0', async () => {
    await stagedService(pg.current, 'piped');
    const w = watch(['status', 'piped', '--watch'], env());
    await w.until((o) => /Rollout: staged/.test(o), 'the first block');
    await applyIntent(pg.current, 'piped', { kind: 'split', percent: 50 });
    // The route moves in steps (Ready Unknown while the ingress catches up): wait for the settled block.
    const settled = (o: string) => {
      const last = blocks(o).at(-1) ?? '';
      return /Rollout: split 50% to the candidate/.test(last) && /^Ready: {3}True$/m.test(last);
    };
    await w.until(settled, 'the settled block after the split');
    assert.equal(await w.stop(), 0, w.io.stderr);

    const shown = blocks(w.io.stdout);
    assert.ok(shown.length >= 2, w.io.stdout);
    for (let i = 1; i < shown.length; i++) assert.notEqual(shown[i].trim(), shown[i - 1].trim(), 'a block per change');
    const last = shown[shown.length - 1];
    assert.match(last, /^Service: piped \(namespace default\)$/m);
    assert.match(last, /^Ready: {3}True$/m);
    assert.match(last, /piped-00001\s+stable\s+#{10}\.{10}\s+50%\s+True/);
    assert.match(last, /piped-00002\s+candidate\s+#{10}\.{10}\s+50%\s+True/);
    assert.doesNotMatch(w.io.stdout, ESC, 'no escapes in a pipe');
    assert.doesNotMatch(w.io.stdout, /Metrics/, 'no Prometheus, no metrics');
  });

  test('-o json: one LiveStatus document per line per change', async () => {
    await stagedService(pg.current, 'jsonl');
    const w = watch(['status', 'jsonl', '--watch', '-o', 'json'], env());
    await w.until((o) => o.includes('"kind":"LiveStatus"'), 'the first document');
    await applyIntent(pg.current, 'jsonl', { kind: 'split', percent: 30 });
    await w.until((o) => docs(o).some((d) => d.rollout.phase === 'split'), 'the document after the split');
    assert.equal(await w.stop(), 0, w.io.stderr);

    const all = docs(w.io.stdout);
    assert.ok(all.length >= 2);
    for (const d of all) {
      assert.equal(d.apiVersion, 'bgctl.dev/v1');
      assert.equal(d.kind, 'LiveStatus');
      assert.equal(d.name, 'jsonl');
      assert.match(d.observedAt, /^\d{4}-\d\d-\d\dT/);
    }
    const bare = all.map(({ observedAt: _, ...d }) => JSON.stringify(d));
    for (let i = 1; i < bare.length; i++) assert.notEqual(bare[i], bare[i - 1], 'a document per change');
    const last = all[all.length - 1];
    assert.deepEqual(
      last.traffic.map((t: any) => [t.revisionName, t.tag, t.percent, t.ready]),
      [
        ['jsonl-00001', 'stable', 70, 'True'],
        ['jsonl-00002', 'candidate', 30, 'True'],
      ],
    );
    assert.equal(last.metrics, undefined);
  });

  test('the service deleted: the stream ends with the Error document as one more item (json line, yaml ---)', async () => {
    const { registry } = pg.current;
    const services = registry.resource('services', 'serving.knative.dev')!;
    for (const output of ['json', 'yaml'] as const) {
      const name = `gone-${output}`;
      await stagedService(pg.current, name);
      const w = watch(['status', name, '--watch', '-o', output], env());
      await w.until((o) => o.includes('LiveStatus'), 'the first document');
      registry.delete(services, 'default', name, { user: 'someone-else' });
      // The watch ends by itself; stop() then only returns its exit code.
      await w.until((o) => o.includes('Deleted'), 'the Error document');
      const code = await w.stop();
      const items =
        output === 'json'
          ? docs(w.io.stdout)
          : w.io.stdout
              .split(/^---$/m)
              .filter((t) => t.trim())
              .map((t) => yaml.load(t) as any);
      const last = items.at(-1);
      assert.equal(last.kind, 'Error', w.io.stdout);
      assert.equal(last.reason, 'Deleted');
      assert.equal(last.exitCode, code);
      assert.ok(items.slice(0, -1).every((d) => d.kind === 'LiveStatus'));
    }
  });

  test('a hostile Prometheus: its error shown escaped, the token never, and the watch goes on', async () => {
    const token = 'watch-token-0123456789abcdef';
    const hostile = http.createServer((req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'error',
          errorType: 'unavailable',
          error: `\u001b]0;pwned\u0007\u001b[2J down; you sent ${req.headers.authorization}`,
        }),
      );
    });
    await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
    try {
      await stagedService(pg.current, 'hostile');
      const w = watch(['status', 'hostile', '--watch', '--interval', '1s'], {
        ...env(),
        BGCTL_PROMETHEUS_URL: url,
        BGCTL_PROMETHEUS_TOKEN: token,
      });
      await w.until((o) => o.includes('Prometheus error:'), 'the error line');
      await applyIntent(pg.current, 'hostile', { kind: 'split', percent: 20 });
      await w.until((o) => /Rollout: split 20%/.test(o), 'a block after the error');
      assert.equal(await w.stop(), 0, w.io.stderr);
      const out = w.io.stdout + w.io.stderr;
      assert.doesNotMatch(out, ESC, 'no escape from Prometheus reaches the terminal');
      assert.match(w.io.stdout, /Prometheus error: Prometheus at http:\/\/127\.0\.0\.1:\d+ could not be queried/);
      assert.match(w.io.stdout, /\\x1b\]0;pwned\\x07\\x1b\[2J down/);
      assert.ok(!out.includes(token), 'the token is never printed');
      assert.match(w.io.stdout, /hostile-00002\s+candidate\s+20%\s+-\s+-\s+-/);
    } finally {
      hostile.closeAllConnections();
      await new Promise((r) => hostile.close(r));
    }
  });

  test('a missing service: the usual NotFound error before any view', async () => {
    const io = IOStreams.test({ env: { NO_COLOR: '1', ...env() } });
    const failed = await main(['status', 'nope', '--watch'], { io });
    assert.notEqual(failed, 0);
    assert.match(io.stderr, /Error: .*"nope" not found/);
    assert.equal(io.stdout, '');
  });
});

describe('bgctl status --watch on a terminal (pty)', () => {
  const pg = usePlayground();
  before(() => ensureBuilt());

  test('redrawn in place with bars; Ctrl-C exits 0', async () => {
    await stagedService(pg.current, 'tty');
    const run = spawnPty(['status', 'tty', '--watch'], { KUBECONFIG: pg.current.kubeconfigPath });
    try {
      await run.waitFor(/Rollout: staged/);
      await run.waitFor(/tty-00002\s+candidate\s+░{10,20}\s+0%/);
      await applyIntent(pg.current, 'tty', { kind: 'split', percent: 50 });
      await run.waitFor(/Rollout: split 50% to the candidate/);
      await run.waitFor(/tty-00002\s+candidate\s+█+░+\s+50%/);
      // eslint-disable-next-line no-control-regex
      assert.match(run.raw(), /\r\u001b\[\d+A\u001b\[2KService: tty/, 'cursor up, clear line, redraw');
      run.type(Keys.ctrlC);
      assert.equal(await run.exited, 0, run.screen());
    } finally {
      run.kill();
    }
  });
});

describe('bgctl status --watch with a real Prometheus', { skip: prometheusSkip() }, () => {
  const pg = usePlayground({ load: 20 });
  let prom: StartedPrometheus | undefined;
  const env = () => ({ KUBECONFIG: pg.current.kubeconfigPath });

  before(async () => {
    prom = await startPrometheus({ targets: [pg.current.metrics], scrapeIntervalS: 1 });
    await stagedService(pg.current, 'live');
    await applyIntent(pg.current, 'live', { kind: 'split', percent: 50 });
  });
  after(async () => {
    await prom?.stop();
  });

  test('-o json: the request rate, error rate and p95 of each revision with traffic', async () => {
    const w = watch(['status', 'live', '--watch', '-o', 'json', '--prometheus', prom!.url, '--interval', '1s'], env());
    const measured = (d: any, name: string) => d.metrics?.revisions.find((r: any) => r.name === name);
    const bothRunning = (o: string) =>
      docs(o).some((d) =>
        ['live-00001', 'live-00002'].every((n) => measured(d, n)?.requestRate > 0 && measured(d, n)?.errorRate === 0),
      );
    await w.until(bothRunning, 'rates for both revisions');
    assert.equal(await w.stop(), 0, w.io.stderr);
    const d = docs(w.io.stdout).findLast((x) => measured(x, 'live-00002')?.requestRate > 0);
    assert.equal(d.metrics.prometheus, prom!.url);
    assert.equal(d.metrics.windowSeconds, 60);
    assert.equal(d.metrics.error, null);
    assert.deepEqual(
      d.metrics.revisions.map((r: any) => [r.name, r.role, r.percent]),
      [
        ['live-00001', 'stable', 50],
        ['live-00002', 'candidate', 50],
      ],
    );
    for (const r of d.metrics.revisions) assert.ok(r.latencyP95Ms > 0, JSON.stringify(r));
  });

  test('a terminal: a metrics table with rates and a sparkline, redrawn in place', async () => {
    const w = watch(['status', 'live', '--watch', '--prometheus', prom!.url, '--interval', '1s'], env(), {
      tty: true,
    });
    const row = /live-00002\s+candidate\s+50%\s+[\d.]+\/s\s+0\.0%\s+\d+ms\s+[ ▁▂▃▄▅▆▇█]*[▂▃▄▅▆▇█]/;
    await w.until((o) => row.test(o), 'a metrics row with a rising sparkline');
    assert.equal(await w.stop(), 0, w.io.stderr);
    assert.match(w.io.stdout, /REVISION\s+ROLE\s+TRAFFIC\s+RATE\s+ERRORS\s+P95\s+TREND/);
    assert.match(w.io.stdout, /Metrics \(last 1m, http:\/\/127\.0\.0\.1:\d+\)/);
    // eslint-disable-next-line no-control-regex
    assert.match(w.io.stdout, /\u001b\[\d+A\u001b\[2K/);
  });

  test('Prometheus goes down: an error line, and the watch goes on', async () => {
    const w = watch(['status', 'live', '--watch', '--prometheus', prom!.url, '--interval', '1s'], env());
    await w.until((o) => /live-00001\s+stable\s+50%\s+[\d.]+\/s/.test(o), 'rates');
    await prom!.stop();
    prom = undefined;
    await w.until((o) => /Prometheus error: Prometheus at .* could not be queried/.test(o), 'the error line');
    await applyIntent(pg.current, 'live', { kind: 'split', percent: 80 });
    await w.until((o) => /Rollout: split 80% to the candidate/.test(o), 'a block after Prometheus went down');
    assert.equal(await w.stop(), 0, w.io.stderr);
    const last = blocks(w.io.stdout).at(-1) as string;
    assert.match(last, /live-00002\s+candidate\s+80%\s+-\s+-\s+-/);
    assert.match(last, /Prometheus error:/);
  });
});
