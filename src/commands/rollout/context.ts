// A CommandContext aimed somewhere else: another namespace (picked in the wizard) or another
// kubeconfig (the demo's in-process playground). Same streams, signal, prompter and clock.
import type { KnativeClient } from '../../kube/client.js';
import type { CommandContext, GlobalOptions } from '../context.js';
import { printable } from '../../ui/sanitize.js';

/** ctx with some global flags replaced; its client is created on first use, like the original's. */
export function contextWith(ctx: CommandContext, changes: Partial<Pick<GlobalOptions, 'namespace' | 'kubeconfig' | 'context'>>): CommandContext {
  const globals: GlobalOptions = { ...ctx.globals, ...changes };
  let client: Promise<KnativeClient> | undefined;
  return {
    ...ctx,
    globals,
    kube() {
      client ??= (async () => {
        const { createKnativeClient } = await import('../../kube/client.js');
        return createKnativeClient({
          kubeconfig: globals.kubeconfig,
          context: globals.context,
          namespace: globals.namespace,
          insecureSkipTlsVerify: globals.insecureSkipTlsVerify,
          env: ctx.io.env,
          requestTimeoutMs: globals.requestTimeoutMs,
          verbose: globals.verbose ? (line) => ctx.io.err.write(ctx.io.colors().muted(printable(line)) + '\n') : undefined,
          signal: ctx.signal,
        });
      })();
      return client;
    },
  };
}
