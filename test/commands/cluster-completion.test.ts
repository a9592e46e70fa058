import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import yaml from 'js-yaml';
import { runCli } from '../helpers/cli.js';
import { usePlayground } from '../helpers/playground.js';
import { kubeconfigVariant } from '../kube/sim-helpers.js';
import { createService, stagedService } from './read-setup.js';
import { completionSandbox, hasShell } from './shell-completion-drivers.js';

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
    // Under tsx the first in-process run also transpiles and loads client-node, which on a loaded machine can eat
    // the lookup's 2 s budget (the built bundle loads far faster): load it once here, so the tests judge the lookup.
    await runCli(['completion', 'bash'], { env: env({ BGCTL_COMPLETE: 'services' }) });
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

  // The same lines in every shell: what is typed on the line (-n, --context, --kubeconfig, the
  // SERVICE) reaches the lookup. Flags after SERVICE and `=` forms are zsh/fish specific cases.
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    test(
      `${shell}: TAB completes service names and --tag values of the line's namespace and service (built CLI)`,
      {
        // CI installs every shell (.ci/run): there a missing one fails instead of skipping.
        skip: !hasShell(shell) && !process.env.CI && `${shell} is not installed`,
      },
      async () => {
        const sandbox = completionSandbox();
        const complete = (line: string, kubeconfig = pg.current.kubeconfigPath) =>
          sandbox.complete(shell, line, kubeconfig);
        try {
          assert.deepEqual(await complete('bgctl status hel'), ['hello', 'help-desk']);
          assert.deepEqual(await complete('bgctl -n other split '), ['other-team-svc']);
          assert.deepEqual(await complete('bgctl split -n other '), ['other-team-svc'], 'flags after the verb');
          assert.deepEqual(await complete('bgctl --namespace=other split '), ['other-team-svc']);
          assert.deepEqual(await complete('bgctl status -o json hel'), ['hello', 'help-desk'], 'a valued flag first');
          assert.deepEqual(await complete('bgctl url shop --tag c'), ['candidate']);
          assert.deepEqual(await complete('bgctl url shop --tag '), ['candidate', 'stable']);
          assert.deepEqual(await complete('bgctl -n other url shop --tag '), [], "the tags of the line's namespace");
          const elsewhere = kubeconfigVariant(
            pg.current,
            (doc) => (doc.clusters[0].cluster.server = 'https://127.0.0.1:1'),
            'elsewhere',
          );
          assert.deepEqual(await complete('bgctl status hel', elsewhere), []);
          assert.deepEqual(
            await complete(`bgctl --kubeconfig ${pg.current.kubeconfigPath} status hel`, elsewhere),
            ['hello', 'help-desk'],
            'the --kubeconfig on the line',
          );
          const context = (yaml.load(pg.current.kubeconfig) as { 'current-context': string })['current-context'];
          const noContext = kubeconfigVariant(pg.current, (doc) => (doc['current-context'] = 'nosuch'), 'nocontext');
          assert.deepEqual(await complete('bgctl status hel', noContext), []);
          assert.deepEqual(
            await complete(`bgctl --context ${context} status hel`, noContext),
            ['hello', 'help-desk'],
            'the --context on the line',
          );
          const services = await complete('bgctl status hello ');
          assert.ok(!services.includes('hello') && !services.includes('shop'), 'one SERVICE only');
          assert.deepEqual(
            await complete('bgctl status --a'),
            ['--all-contexts', '--all-namespaces'],
            'flags need no cluster',
          );
          const unreachable = kubeconfigVariant(
            pg.current,
            (doc) => (doc.clusters[0].cluster.server = `https://127.0.0.1:${blackholePort}`),
            'unreachable',
          );
          assert.deepEqual(await complete('bgctl status hel', unreachable), []);
        } finally {
          sandbox.dispose();
        }
      },
    );
  }
});
