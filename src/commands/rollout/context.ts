// A CommandContext aimed somewhere else: another namespace (picked in the wizard) or another
// kubeconfig (the demo's in-process playground). Same streams, signal, prompter and clock.
import type { KnativeClient } from '../../kube/client.js';
import { openClient, type CommandContext, type GlobalOptions } from '../context.js';

/** ctx with some global flags replaced; its client is created on first use, like the original's. */
export function contextWith(
  ctx: CommandContext,
  changes: Partial<Pick<GlobalOptions, 'namespace' | 'kubeconfig' | 'context'>>,
): CommandContext {
  const globals: GlobalOptions = { ...ctx.globals, ...changes };
  let client: Promise<KnativeClient> | undefined;
  return {
    ...ctx,
    globals,
    kube() {
      client ??= openClient(ctx.io, globals, ctx.signal);
      return client;
    },
  };
}
