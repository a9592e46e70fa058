// The program: global flags, lazily loaded verbs, and the single exit point. `main` never calls
// process.exit; it returns the exit code (bin/bgctl.js sets process.exitCode), so tests run it in-process.
import { Command, CommanderError, Help, Option } from 'commander';
import { BgctlError, CancelError, ExitCode, PausedError, UsageError, exitCodeOf } from './core/errors.js';
import { IOStreams } from './ui/iostreams.js';
import { parseDuration } from './core/parse.js';
import { COMMANDS, type CommandSpec } from './commands/catalog.js';
import type { CommandContext, GlobalOptions } from './commands/context.js';
import type { Prompter } from './ui/prompter.js';
import type { OutputFormat } from './ui/document.js';
import type { KnativeClient } from './kube/client.js';

export const VERSION = '0.1.0';

/** Test and embedding seams; the defaults are the real process. */
export interface MainDeps {
  io?: IOStreams;
  /** Aborting it cancels the running command (bin/bgctl.js wires SIGINT/SIGTERM to it). */
  signal?: AbortSignal;
  now?: () => Date;
}

const EXIT_CODES_HELP = `
Exit codes:
  0 done · 1 failed · 2 usage error (nothing written) · 3 verification failed
  4 cannot reach or use the cluster · 5 conflict: the service changed underneath
  6 timed out waiting · 8 stopped on purpose (resumable) · 130 cancelled

Environment: KUBECONFIG, NO_COLOR, BGCTL_NO_PROMPT, BGCTL_INGRESS, BGCTL_DEBUG`;

/** Verbs that read the whole program (every verb's flags), so all option sets are built for them. */
const WHOLE_PROGRAM_VERBS = new Set(['completion']);

/** Runs bgctl with argv (without node and script) and returns the exit code. */
export async function main(argv: string[], deps: MainDeps = {}): Promise<number> {
  const io = deps.io ?? IOStreams.system();
  const signal = deps.signal ?? new AbortController().signal;
  let result: number = ExitCode.Ok;
  const program = buildProgram(io, signal, deps.now ?? (() => new Date()), (code) => (result = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return result;
  } catch (err) {
    const code = reportError(io, err, signal);
    if (code !== ExitCode.Ok) {
      // -o json|yaml: one `kind: Error` document on stdout too. Loaded only on failure (it pulls in
      // js-yaml), never for --help or --version, which also arrive here through exitOverride.
      const { outputFormatFromArgv, writeErrorDocument } = await import('./commands/shared/error-document.js');
      writeErrorDocument(io, outputFormatFromArgv(argv), signal.aborted && !(err instanceof BgctlError) ? new CancelError() : err);
    }
    return code;
  }
}

function buildProgram(io: IOStreams, signal: AbortSignal, now: () => Date, setExit: (code: number) => void): Command {
  const program = new Command('bgctl')
    .description('Blue-green rollouts of Knative Services: pin, deploy, stage under a tag, verify, split, promote, roll back.')
    .version(VERSION, '--version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addHelpCommand(false)
    .option('-n, --namespace <namespace>', 'namespace of the service (default: the context\'s, else "default")')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'yaml']).default('table'))
    .option('--no-color', 'disable color (also NO_COLOR)')
    .option('--verbose', 'trace HTTP requests on stderr (credentials redacted)')
    .option('--request-timeout <duration>', 'timeout of each API request, e.g. 30s')
    .option('--insecure-skip-tls-verify', 'do not verify the server certificate (unsafe)')
    .addHelpText('after', EXIT_CODES_HELP)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out.write(s),
      writeErr: (s) => io.err.write(s),
      outputError: (s, write) => write(io.colors().fail(s)),
    });

  // Each verb's options, write flags and examples are built only when that verb runs (or its help
  // is shown): `bgctl --help`, `--version` and every other verb skip the other 16 option sets.
  const specs = new Map<Command, CommandSpec>();
  const attached = new Set<Command>();
  const attach = (cmd: Command): void => {
    const spec = specs.get(cmd);
    if (!spec || attached.has(cmd)) return;
    attached.add(cmd);
    spec.options?.(cmd);
    if (spec.writes) addWriteOptions(cmd);
    if (spec.example) cmd.addHelpText('after', `\nExamples:\n${spec.example}`);
  };
  for (const spec of COMMANDS) {
    const cmd = program.command(spec.name).summary(spec.summary).description(spec.description ?? spec.summary);
    if (spec.args) cmd.argument(spec.args.name, spec.args.description);
    specs.set(cmd, spec);
    cmd.action(async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const all = command.optsWithGlobals();
      const globals = parseGlobals(all);
      io.setNoColor(all.color === false);
      const ctx = createContext(io, globals, signal, now);
      const mod = await spec.load();
      const service = spec.args ? (args[0] as string | undefined) : undefined;
      await mod.run(ctx, service, command.opts());
      setExit(ExitCode.Ok);
    });
  }
  // Runs after the program parsed its own (global) options and before the verb parses its argv.
  program.hook('preSubcommand', (_program, verb) => {
    attach(verb);
    // The completion generator reads every verb's flags from the program.
    if (WHOLE_PROGRAM_VERBS.has(verb.name())) for (const cmd of specs.keys()) attach(cmd);
  });
  program.configureHelp({
    // The root help's "deploy [options] [service]": a verb that writes always has flags (--yes…),
    // so its options need not be built to say so; a read or tool verb's are built to find out
    // (completion's callback only restricts its argument). Same text as with every verb built.
    subcommandTerm(this: Help, cmd: Command): string {
      const spec = specs.get(cmd);
      if (spec && !spec.writes) attach(cmd);
      const term = Help.prototype.subcommandTerm.call(this, cmd);
      if (!spec?.writes || attached.has(cmd)) return term;
      return `${cmd.name()} [options]${term.slice(cmd.name().length)}`;
    },
  });
  return program;
}

/** --dry-run, --yes, --wait/--no-wait and --timeout, shared by every command that writes. */
function addWriteOptions(cmd: Command): void {
  cmd
    .addOption(new Option('--dry-run [mode]', 'print the plan and change nothing; "server" also sends the patch with dryRun=All').choices(['client', 'server']).preset('client'))
    .option('-y, --yes', 'apply without asking (required when not on a terminal)')
    .option('--wait', 'wait until the service is Ready and traffic matches (default)', true)
    .option('--no-wait', 'return right after the write')
    .option('--timeout <duration>', 'how long to wait for readiness', '5m');
}

function parseGlobals(all: Record<string, any>): GlobalOptions {
  return {
    namespace: all.namespace,
    context: all.context,
    kubeconfig: all.kubeconfig,
    // commander's .choices() has validated -o already; importing ui/document.js here would load
    // js-yaml on every start, --help included.
    output: all.output as OutputFormat,
    verbose: all.verbose === true,
    requestTimeoutMs: all.requestTimeout === undefined ? undefined : parseDuration(all.requestTimeout, '--request-timeout'),
    insecureSkipTlsVerify: all.insecureSkipTlsVerify === true,
  };
}

function createContext(io: IOStreams, globals: GlobalOptions, signal: AbortSignal, now: () => Date): CommandContext {
  let client: Promise<KnativeClient> | undefined;
  let prompter: Prompter | undefined;
  return {
    io,
    globals,
    signal,
    now,
    kube() {
      client ??= (async () => {
        const { createKnativeClient } = await import('./kube/client.js');
        const c = await createKnativeClient({
          kubeconfig: globals.kubeconfig,
          context: globals.context,
          namespace: globals.namespace,
          insecureSkipTlsVerify: globals.insecureSkipTlsVerify,
          env: io.env,
          requestTimeoutMs: globals.requestTimeoutMs,
          verbose: globals.verbose ? (line) => io.err.write(io.colors().muted(line) + '\n') : undefined,
          signal,
        });
        for (const w of c.warnings) io.err.write(io.colors().warn(`Warning: ${w}`) + '\n');
        return c;
      })();
      return client;
    },
    prompter() {
      if (!prompter) {
        // Imported lazily through a getter so non-interactive runs never load inquirer.
        prompter = lazyPrompter(io, signal);
      }
      return prompter;
    },
  };
}

function lazyPrompter(io: IOStreams, signal: AbortSignal): Prompter {
  const real = import('./ui/prompter.js').then((m) => m.createPrompter(io, signal));
  return {
    select: async (...a) => (await real).select(...a),
    search: async (...a) => (await real).search(...a),
    confirm: async (...a) => (await real).confirm(...a),
    input: async (...a) => (await real).input(...a),
    number: async (...a) => (await real).number(...a),
  };
}

/** The one place errors become output and an exit code. */
function reportError(io: IOStreams, err: unknown, signal: AbortSignal): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.Ok;
    // commander already printed "error: …"; unknown commands, options and bad choices are usage errors.
    return ExitCode.Usage;
  }
  if (signal.aborted && !(err instanceof BgctlError)) err = new CancelError();
  const c = io.colors();
  if (err instanceof PausedError) {
    // Stopping on purpose (--until, a pause) is not a failure: say where it stopped and how to go on.
    io.err.write(c.warn(`Paused: ${err.message}`) + '\n');
    if (err.hint) io.err.write(c.muted(`Hint: ${err.hint}`) + '\n');
  } else if (err instanceof BgctlError) {
    io.err.write(c.fail(`Error: ${err.message}`) + '\n');
    if (err.hint) io.err.write(c.muted(`Hint: ${err.hint}`) + '\n');
    if (err instanceof UsageError) io.err.write(c.muted("Run 'bgctl --help' for usage.") + '\n');
  } else {
    const message = err instanceof Error ? err.message : String(err);
    io.err.write(c.fail(`Error: ${message}`) + '\n');
  }
  if (io.env.BGCTL_DEBUG && err instanceof Error && err.stack) io.err.write(err.stack + '\n');
  return exitCodeOf(err);
}
