// Every request bgctl sends, reads, writes and watches alike, says who it is: `bgctl/<version>
// (<os>/<arch>) node/<version>` (robustness.md bug 4; client-node alone sends node-fetch/1.0).
// Checked through the playground's request log, which records each request's User-Agent.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VERSION } from '../../src/core/version.js';
import { VERSION as CLI_VERSION } from '../../src/cli.js';
import { createKnativeClient } from '../../src/kube/client.js';
import { userAgent } from '../../src/kube/user-agent.js';
import { usePlayground, type Playground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { sim } from './sim-helpers.js';

interface Logged {
  method: string;
  path: string;
  verb: string;
  resource?: string;
  userAgent: string;
}

async function logged(pg: Playground): Promise<Logged[]> {
  return (await sim(pg, 'GET', 'requests')).requests;
}

/** Fails with the offending requests listed when any of them carries another User-Agent. */
function assertAllBgctl(reqs: Logged[]): void {
  const expected = userAgent();
  const others = reqs
    .filter((r) => r.userAgent !== expected)
    .map((r) => `${r.verb} ${r.path}: ${JSON.stringify(r.userAgent)}`);
  assert.deepEqual(others, [], `every request carries ${JSON.stringify(expected)}`);
}

describe('User-Agent', () => {
  test('is kubectl-shaped: program/version (GOOS/GOARCH) runtime/version', () => {
    assert.equal(
      userAgent('0.1.0', { platform: 'linux', arch: 'x64', node: 'v20.11.1' }),
      'bgctl/0.1.0 (linux/amd64) node/v20.11.1',
    );
    assert.equal(
      userAgent('0.1.0', { platform: 'darwin', arch: 'arm64', node: 'v22.0.0' }),
      'bgctl/0.1.0 (darwin/arm64) node/v22.0.0',
    );
    assert.equal(
      userAgent('1.2.3', { platform: 'win32', arch: 'ia32', node: 'v20.0.0' }),
      'bgctl/1.2.3 (windows/386) node/v20.0.0',
    );
    assert.match(
      userAgent(),
      new RegExp(`^bgctl/${VERSION.replace(/\./g, '\\.')} \\([a-z0-9]+/[a-z0-9]+\\) node/v\\d+\\.\\d+\\.\\d+$`),
    );
  });

  test('the version has one source: --version, the User-Agent and package.json agree', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(VERSION, pkg.version);
    assert.equal(CLI_VERSION, VERSION, 'src/cli.ts should re-export VERSION from src/core/version.ts');
  });

  describe('against the playground', () => {
    const pg = usePlayground({ sample: 'hello' });

    test('KnativeClient: gets, lists, patches and watches carry it', async () => {
      const c = await createKnativeClient({ kubeconfig: pg.current.kubeconfigPath });
      await sim(pg.current, 'DELETE', 'requests');
      const svc = await c.getService('hello');
      await c.listRevisions('hello');
      await c.patchService('hello', [
        { op: 'test', path: '/metadata/resourceVersion', value: svc.metadata.resourceVersion },
        { op: 'add', path: '/metadata/labels', value: { ...svc.metadata.labels, 'ua-test': 'yes' } },
      ]);
      const { resourceVersion } = await c.getServiceSnapshot('hello');
      await new Promise<void>((resolve, reject) => {
        let handle: { stop(): void } | undefined;
        c.watchService(
          'hello',
          resourceVersion,
          () => {},
          (err) => (err ? reject(err) : resolve()),
        )
          .then((h) => {
            handle = h;
            // One event is enough to know the stream opened; then close it ourselves.
            setTimeout(() => (handle?.stop(), resolve()), 100);
          })
          .catch(reject);
      });
      const reqs = await logged(pg.current);
      const verbs = new Set(reqs.map((r) => r.verb));
      for (const v of ['get', 'list', 'patch', 'watch'])
        assert.ok(verbs.has(v), `a ${v} was logged (${[...verbs].join(', ')})`);
      assertAllBgctl(reqs);
    });

    test('the CLI: status, then deploy (read, write, watch until Ready) carry it, and --verbose shows it', async () => {
      await sim(pg.current, 'DELETE', 'requests');
      const env = { KUBECONFIG: pg.current.kubeconfigPath, BGCTL_ACTOR: 'ua-test' };
      const status = await runCli(['status', 'hello'], { env });
      assert.equal(status.code, 0, status.stderr);
      const deploy = await runCli(
        ['deploy', 'hello', '--image', 'ghcr.io/bgctl/hello:v2', '--yes', '--verbose', '--timeout', '60s'],
        { env },
      );
      assert.equal(deploy.code, 0, deploy.stderr);
      assert.ok(
        deploy.stderr.includes(`User-Agent: ${userAgent()}`),
        `the trace shows the User-Agent:\n${deploy.stderr}`,
      );
      const reqs = await logged(pg.current);
      const verbs = new Set(reqs.map((r) => r.verb));
      for (const v of ['get', 'list', 'patch', 'watch'])
        assert.ok(verbs.has(v), `a ${v} was logged (${[...verbs].join(', ')})`);
      assertAllBgctl(reqs);
    });
  });
});
