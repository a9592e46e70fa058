// One connection per context for the whole fleet (not one client per target): the kubeconfig and credential plugin
// are read once per context, one keep-alive pool carries its requests, and the waits of each namespace share one
// watch (src/kube/namespace-watch.ts). Each target still gets its own client: its namespace, cancel signal, trace.
import type { KnativeClient, SharedConnection } from '../../kube/client.js';
import { printable } from '../../ui/sanitize.js';
import type { IOStreams } from '../../ui/iostreams.js';
import { clientSink, usingNote, type CommandContext, type GlobalOptions } from '../context.js';

export class FleetConnections {
  readonly #open = new Map<string, Promise<SharedConnection>>();
  /** Set once the progress view owns a terminal's stderr: the shared requests' trace would break its redraws. */
  #quiet = false;

  constructor(private readonly ctx: CommandContext) {}

  /** The context's connection (opened on first use; kubeconfig warnings on the fleet's stderr). */
  open(contextFlag: string | undefined): Promise<SharedConnection> {
    const key = contextFlag ?? '';
    let conn = this.#open.get(key);
    if (!conn) {
      const globals: GlobalOptions = { ...this.ctx.globals, context: contextFlag, contexts: undefined };
      conn = import('../../kube/connect.js').then(async ({ connectShared }) => {
        const sink = clientSink(this.ctx.io, globals, this.ctx.signal);
        const trace = sink.trace;
        // The connection's own requests (listing, each namespace's shared LIST and watch): traced with --verbose.
        if (trace) sink.trace = (line) => (this.#quiet ? undefined : trace(line));
        const c = await connectShared(globals, sink);
        usingNote(this.ctx.io, globals, c.client.source);
        return c;
      });
      this.#open.set(key, conn);
    }
    return conn;
  }

  /** From now on the connections' trace is not written on a terminal (the progress view redraws there). */
  progressStarted(): void {
    this.#quiet = this.ctx.io.isStderrTTY();
  }

  /** Ends every shared watch and pooled socket: after the last target is done. */
  async close(): Promise<void> {
    const all = [...this.#open.values()];
    this.#open.clear();
    for (const c of await Promise.allSettled(all)) if (c.status === 'fulfilled') c.value.close();
  }
}

/** A target's own client on its context's connection; its trace (--verbose) goes to the target's stderr. */
export function targetClient(
  conn: SharedConnection,
  namespace: string,
  io: IOStreams,
  verbose: boolean,
  signal: AbortSignal,
): KnativeClient {
  const trace = verbose ? (line: string) => io.err.write(io.colors().muted(printable(line)) + '\n') : undefined;
  return conn.forNamespace(namespace, { signal, verbose: trace });
}
