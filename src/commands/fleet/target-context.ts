// A target's own CommandContext: its kubeconfig context and namespace, -o json captured in memory, its own signal,
// and its client on the context's shared connection when the fleet opened one.
import type { KnativeClient } from '../../kube/client.js';
import { CapturedIOStreams } from '../../ui/captured-io.js';
import { openClient, type CommandContext, type GlobalOptions } from '../context.js';
import { targetClient } from './connections.js';
import type { ResolvedTarget } from './targets.js';

export function targetContext(
  ctx: CommandContext,
  t: ResolvedTarget,
  signal: AbortSignal,
  onLine: (line: string) => void = () => undefined,
): { io: CapturedIOStreams; tctx: CommandContext } {
  const io = new CapturedIOStreams(ctx.io.env, onLine);
  const globals: GlobalOptions = {
    ...ctx.globals,
    context: t.contextFlag,
    contexts: undefined,
    namespace: t.namespace,
    output: 'json',
  };
  let client: Promise<KnativeClient> | undefined;
  const tctx: CommandContext = {
    ...ctx,
    io,
    globals,
    signal,
    kube() {
      client ??= t.connection
        ? Promise.resolve(targetClient(t.connection, t.namespace, io, globals.verbose, signal))
        : openClient(io, globals, signal);
      return client;
    },
  };
  return { io, tctx };
}
