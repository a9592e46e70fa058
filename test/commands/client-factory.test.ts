// Every command's client comes from one factory (openClient over kube/connect.ts): the command's own
// context, a context aimed elsewhere (the wizard's namespace pick, the demo's playground) and the
// short-lived read after a cancel all print the kubeconfig's warnings, each once per run.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { kubeconfigVariant } from '../kube/sim-helpers.js';
import { IOStreams } from '../../src/ui/iostreams.js';
import { openClient, type CommandContext, type GlobalOptions } from '../../src/commands/context.js';
import { contextWith } from '../../src/commands/rollout/context.js';

const TLS_WARNING = /^Warning: TLS certificate verification is disabled by insecure-skip-tls-verify in the kubeconfig/;

describe('one client factory, warnings never dropped', () => {
  const pg = usePlayground({ sample: 'hello' });

  function insecureContext(): { ctx: CommandContext; stderr: () => string } {
    const kubeconfig = kubeconfigVariant(pg.current, (d) => {
      delete d.clusters[0].cluster['certificate-authority-data'];
      d.clusters[0].cluster['insecure-skip-tls-verify'] = true;
    });
    const io = IOStreams.test({ env: { NO_COLOR: '1' } });
    const globals: GlobalOptions = { kubeconfig, output: 'table', verbose: false };
    const signal = new AbortController().signal;
    const ctx: CommandContext = {
      io,
      globals,
      signal,
      now: () => new Date(),
      kube: () => openClient(io, globals, signal),
      prompter: () => assert.fail('no prompt expected'),
    };
    return { ctx, stderr: () => io.stderr };
  }

  const warningLines = (stderr: string): string[] => stderr.split('\n').filter((l) => TLS_WARNING.test(l));

  test('a context aimed at another namespace prints the kubeconfig warning', async () => {
    const { ctx, stderr } = insecureContext();
    const other = contextWith(ctx, { namespace: 'default' });
    assert.equal((await (await other.kube()).getService('hello')).metadata.name, 'hello');
    assert.equal(warningLines(stderr()).length, 1, stderr());
  });

  test('a second client of the same run (the read after a cancel) repeats no warning', async () => {
    const { ctx, stderr } = insecureContext();
    await ctx.kube();
    await openClient(ctx.io, ctx.globals, undefined, { requestTimeoutMs: 5000, retry: { maxAttempts: 1 } });
    await contextWith(ctx, { namespace: 'default' }).kube();
    assert.equal(warningLines(stderr()).length, 1, stderr());
  });
});
