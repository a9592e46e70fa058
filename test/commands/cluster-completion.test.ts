import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, BIN } from '../helpers/cli.js';
import { usePlayground } from '../helpers/playground.js';
import { kubeconfigVariant } from '../kube/sim-helpers.js';
import { createService, stagedService } from './read-setup.js';

// Shell completion reads service names and tags from the cluster at TAB time, bounded, and prints
// nothing (exit 0) when the cluster cannot be reached. The scripts call
// `BGCTL_COMPLETE=services|tags:SERVICE bgctl completion SHELL` with the flags on the line.
describe('completion of service names and tags from the cluster', () => {
  const pg = usePlayground({ sample: 'hello' });
  const env = (extra: Record<string, string> = {}) => ({ KUBECONFIG: pg.current.kubeconfigPath, ...extra });
  let blackhole: Server;
  let blackholePort = 0;

  before(async () => {
    await createService(pg.current, 'help-desk');
    await createService(pg.current, 'other-team-svc', { ns: 'other' });
    await stagedService(pg.current, 'shop');
    // Accepts connections and never answers: only the timeout ends a lookup against it.
    blackhole = createServer(() => {});
    await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', r));
    blackholePort = (blackhole.address() as { port: number }).port;
  });
  after(() => blackhole.close());

  test('service names of the namespace, one per line, sorted', async () => {
    const r = await runCli(['completion', 'bash'], { env: env({ BGCTL_COMPLETE: 'services' }) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello\nhelp-desk\nshop\n');
    assert.equal(r.stderr, '');
    const other = await runCli(['completion', 'bash', '-n', 'other'], { env: env({ BGCTL_COMPLETE: 'services' }) });
    assert.equal(other.stdout, 'other-team-svc\n');
  });

  test("a service's tags", async () => {
    const r = await runCli(['completion', 'zsh'], { env: env({ BGCTL_COMPLETE: 'tags:shop' }) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'candidate\nstable\n');
    const none = await runCli(['completion', 'zsh'], { env: env({ BGCTL_COMPLETE: 'tags:nosuch' }) });
    assert.deepEqual([none.code, none.stdout, none.stderr], [0, '', '']);
  });

  test('an unreachable cluster: empty output, nothing on stderr, exit 0', async () => {
    const refused = kubeconfigVariant(
      pg.current,
      (doc) => (doc.clusters[0].cluster.server = 'https://127.0.0.1:1'),
      'refused',
    );
    const silent = kubeconfigVariant(
      pg.current,
      (doc) => (doc.clusters[0].cluster.server = `https://127.0.0.1:${blackholePort}`),
      'silent',
    );
    for (const kubeconfig of [refused, silent, '/nonexistent/kubeconfig']) {
      const r = await runCli(['completion', 'bash'], { env: { KUBECONFIG: kubeconfig, BGCTL_COMPLETE: 'services' } });
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', ''], kubeconfig);
    }
  });

  test('bash: TAB after a verb completes service names, --tag completes the tags (built CLI)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bgctl-complete-'));
    const shim = path.join(dir, 'bgctl');
    writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(shim, 0o755);
    const script = spawnSync(process.execPath, [BIN, 'completion', 'bash'], { encoding: 'utf8' });
    const file = path.join(dir, 'bgctl.bash');
    writeFileSync(file, script.stdout);
    // Asynchronously: the playground answers from this process, which a synchronous spawn would block.
    const complete = async (line: string, kubeconfig = pg.current.kubeconfigPath) => {
      const words = line.split(' ');
      const prog = `source '${file}'; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _bgctl; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const r = await promisify(execFile)('bash', ['--norc', '--noprofile', '-c', prog], {
        encoding: 'utf8',
        env: { PATH: `${dir}:${process.env.PATH}`, HOME: process.env.HOME, KUBECONFIG: kubeconfig },
      });
      return r.stdout.split('\n').filter(Boolean).sort();
    };
    assert.deepEqual(await complete('bgctl status hel'), ['hello', 'help-desk']);
    assert.deepEqual(await complete('bgctl -n other split '), ['other-team-svc']);
    assert.deepEqual(await complete('bgctl url shop --tag c'), ['candidate']);
    assert.deepEqual(await complete('bgctl status hello '), [], 'one SERVICE only');
    assert.deepEqual(await complete('bgctl status --a'), ['--all-namespaces'], 'flags need no cluster');
    const unreachable = kubeconfigVariant(
      pg.current,
      (doc) => (doc.clusters[0].cluster.server = `https://127.0.0.1:${blackholePort}`),
      'unreachable',
    );
    assert.deepEqual(await complete('bgctl status hel', unreachable), []);
  });
});
