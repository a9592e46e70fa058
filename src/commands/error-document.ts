// `kind: Error`: with -o json|yaml a failed command still prints one document on stdout (docs/cli.md, "Documents"),
// so CI reads reason and exit code from the stream it reads results from; `Error:`/`Hint:` stay on stderr.
import { BgctlError, ExitCode, exitCodeOf, type ExitCodeValue } from '../core/errors.js';
import { document, type BgctlDocument } from '../core/document.js';
import { documentWritten, writeDocument, type OutputFormat } from '../ui/document.js';
import type { IOStreams } from '../ui/iostreams.js';
import { redactKnown } from '../core/redact.js';

/** commander's errors without importing commander here (duck-typed on its `commander.*` codes). */
function commanderCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('commander.') ? code : undefined;
}

/** The Error document for anything thrown: typed errors keep reason, hint and exit code. */
export function errorDocument(err: unknown): BgctlDocument {
  const commander = commanderCode(err);
  let reason: string;
  let exitCode: ExitCodeValue;
  let hint: string | undefined;
  let message: string;
  if (err instanceof BgctlError) {
    ({ reason, exitCode, hint, message } = err);
  } else if (commander) {
    // Unknown commands and options, bad -o choices: usage errors; commander prefixes "error: ".
    reason = 'UsageError';
    exitCode = ExitCode.Usage;
    message = (err as Error).message.replace(/^error: /, '');
    hint = "run 'bgctl --help' for usage";
  } else {
    reason = 'Failed';
    exitCode = exitCodeOf(err);
    message = err instanceof Error ? err.message : String(err);
  }
  // Messages may quote a server or a plugin: every credential this process holds is removed once more.
  return document('Error', {
    reason,
    message: redactKnown(message),
    ...(hint ? { hint: redactKnown(hint) } : {}),
    exitCode,
  });
}

/** Writes the Error document (json/yaml) unless the command printed its own (verify, exit 3); true when written. */
export function writeErrorDocument(io: IOStreams, format: OutputFormat | undefined, err: unknown): boolean {
  if (format !== 'json' && format !== 'yaml') return false;
  if (documentWritten(io)) return false;
  writeDocument(io, format, errorDocument(err));
  return true;
}

/** The -o/--output value in raw argv, for failures before commander parsed it (the last one wins, not after `--`). */
export function outputFormatFromArgv(argv: readonly string[]): OutputFormat | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a === '-o' || a === '--output') found = argv[++i];
    else if (a.startsWith('--output=')) found = a.slice('--output='.length);
    else if (/^-o[^-]/.test(a)) found = a.slice(2).replace(/^=/, '');
  }
  return found === 'json' || found === 'yaml' || found === 'table' ? found : undefined;
}
