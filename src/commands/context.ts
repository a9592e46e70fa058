// What every command receives: streams and terminal policy, global flags, a cancel signal, and the cluster and the
// prompter built on first use.
import type { Command } from 'commander';
import type { KnativeClient } from '../kube/client.js';
import type { ClientSink, ClientTuning } from '../kube/connect.js';
import type { IOStreams } from '../ui/iostreams.js';
import type { Prompter } from '../ui/prompter.js';
import type { OutputFormat } from '../ui/document.js';
import { printable } from '../ui/sanitize.js';

export interface GlobalOptions {
  namespace?: string;
  context?: string;
  /** `--context a,b,c` (a comma list): several contexts, for the verbs that take them (rollout, status). */
  contexts?: string[];
  kubeconfig?: string;
  output: OutputFormat;
  verbose: boolean;
  /** --request-timeout in milliseconds; undefined means none. */
  requestTimeoutMs?: number;
  insecureSkipTlsVerify?: boolean;
}

export interface CommandContext {
  io: IOStreams;
  globals: GlobalOptions;
  /** Aborted on SIGINT/SIGTERM: long waits stop and the command exits 130. */
  signal: AbortSignal;
  /** The cluster client for the global flags, created (and client-node loaded) on first use. */
  kube(): Promise<KnativeClient>;
  prompter(): Prompter;
  now(): Date;
  /** The commander program the verb was dispatched from (the completion script is generated from it). */
  program?: Command;
}

/** Kubeconfig warnings already printed on a stream set: a second client of the same run repeats none. */
const shownWarnings = new WeakMap<IOStreams, Set<string>>();

/** The cluster client for the global flags: kubeconfig warnings once per run, --verbose trace on stderr. */
export async function openClient(
  io: IOStreams,
  globals: GlobalOptions,
  signal: AbortSignal | undefined,
  tuning?: ClientTuning,
): Promise<KnativeClient> {
  const { connect } = await import('../kube/connect.js');
  const client = await connect(globals, clientSink(io, globals, signal), tuning);
  usingNote(io, globals, client.source);
  return client;
}

/** Where a client's kubeconfig warnings (once per stream set) and --verbose trace go. */
export function clientSink(io: IOStreams, globals: GlobalOptions, signal: AbortSignal | undefined): ClientSink {
  let shown = shownWarnings.get(io);
  if (!shown) shownWarnings.set(io, (shown = new Set()));
  const seen = shown;
  return {
    env: io.env,
    signal,
    warn: (text) => {
      if (seen.has(text)) return;
      seen.add(text);
      io.err.write(io.colors().warn(`Warning: ${printable(text)}`) + '\n');
    },
    trace: globals.verbose ? (line) => io.err.write(io.colors().muted(printable(line)) + '\n') : undefined,
  };
}

/** --verbose: which configuration was used (kubeconfig and context, or the pod's service account), once per run. */
export function usingNote(io: IOStreams, globals: GlobalOptions, source: string): void {
  const seen = shownWarnings.get(io);
  const using = `Using ${source}`;
  if (!globals.verbose || !seen || seen.has(using)) return;
  seen.add(using);
  io.err.write(io.colors().muted(printable(using)) + '\n');
}
