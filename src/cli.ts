// The entry point and single exit point: `main` returns the exit code (never process.exit), so tests run it
// in-process. program.ts is loaded only when there is something to parse: a bare --version needs none of it.
import { BgctlError, CancelError, ExitCode, PausedError, UsageError, exitCodeOf } from './core/errors.js';
import { IOStreams } from './ui/iostreams.js';
import { printable } from './ui/sanitize.js';
import { redactKnown } from './core/redact.js';
import { VERSION } from './core/version.js';
import { asTyped, type CommandName } from './core/command-name.js';

export { VERSION };

export interface MainDeps {
  io?: IOStreams;
  /** Aborting it cancels the running command (bin/bgctl.js wires SIGINT/SIGTERM to it). */
  signal?: AbortSignal;
  now?: () => Date;
  /** How the user started bgctl (bin/kubectl-bgctl.js: `kubectl bgctl`): help and hints name it. */
  command?: CommandName;
}

/** Runs bgctl with argv (without node and script) and returns the exit code. */
export async function main(argv: string[], deps: MainDeps = {}): Promise<number> {
  const io = deps.io ?? IOStreams.system();
  if (deps.command) io.command = deps.command;
  // What commander's .version() prints, without loading commander and the verb catalog.
  if (argv.length === 1 && argv[0] === '--version') {
    io.out.write(`${VERSION}\n`);
    return ExitCode.Ok;
  }
  await io.prepareColors();
  const signal = deps.signal ?? new AbortController().signal;
  let result: number = ExitCode.Ok;
  let program: typeof import('./program.js') | undefined;
  let cmd: import('commander').Command | undefined;
  try {
    program = await import('./program.js');
    cmd = program.buildProgram(VERSION, io, signal, deps.now ?? (() => new Date()), (code) => (result = code));
    await cmd.parseAsync(program.userArgv(argv), { from: 'user' });
    return result;
  } catch (caught) {
    let err = caught;
    if (program && cmd) {
      const parsed = program.fromCommander(err, cmd, argv);
      if (parsed === ExitCode.Ok) return ExitCode.Ok;
      if (parsed instanceof UsageError) err = parsed;
      // A usage error with nothing more specific to say points to the help of its verb.
      if (err instanceof UsageError && !err.hint)
        err = new UsageError(err.message, {
          reason: err.reason,
          hint: program.helpHint(program.verbOf(cmd, argv)),
          cause: err.cause,
        });
    }
    const verbs = cmd?.commands.map((c) => c.name()) ?? [];
    const code = reportError(io, err, signal, (text) => asTyped(text, io.command, verbs));
    if (code !== ExitCode.Ok) {
      // -o json|yaml: a `kind: Error` document on stdout too, loaded only on failure (it pulls in js-yaml).
      const { outputFormatFromArgv, writeErrorDocument } = await import('./commands/error-document.js');
      writeErrorDocument(
        io,
        outputFormatFromArgv(argv),
        signal.aborted && !(err instanceof BgctlError) ? new CancelError() : err,
      );
    }
    return code;
  }
}

/** The one place errors become output and an exit code; message and hint are escaped so each stays one inert line. */
function reportError(io: IOStreams, err: unknown, signal: AbortSignal, typed: (text: string) => string): number {
  if (signal.aborted && !(err instanceof BgctlError)) err = new CancelError();
  const c = io.colors();
  const safe = (text: string): string => typed(safeText(text));
  if (err instanceof PausedError) {
    // Stopping on purpose (--until, a pause) is not a failure: say where it stopped and how to go on.
    io.err.write(c.warn(`Paused: ${safe(err.message)}`) + '\n');
    if (err.hint) io.err.write(c.muted(`Hint: ${safe(err.hint)}`) + '\n');
  } else if (err instanceof BgctlError) {
    io.err.write(c.fail(`Error: ${safe(err.message)}`) + '\n');
    if (err.hint) io.err.write(c.muted(`Hint: ${safe(err.hint)}`) + '\n');
  } else {
    const message = err instanceof Error ? err.message : String(err);
    io.err.write(c.fail(`Error: ${safe(message)}`) + '\n');
  }
  if (io.env.BGCTL_DEBUG && err instanceof Error)
    io.err.write(debugTrace(err).split('\n').map(printable).join('\n') + '\n');
  return exitCodeOf(err);
}

/** A message as it may reach the terminal: no credential this process holds, no control character. */
function safeText(text: string): string {
  return printable(redactKnown(text));
}

/** BGCTL_DEBUG: the stack and every `cause` below it, with every credential this process holds removed. */
export function debugTrace(err: Error): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    parts.push(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return redactKnown(parts.join('\nCaused by: '));
}
