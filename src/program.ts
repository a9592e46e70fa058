// The commander program: global flags, every verb of the catalog (its options built only when it
// runs), and the context a verb gets. Loaded by cli.ts for everything but a bare --version.
import { Command, CommanderError, Help, Option } from 'commander';
import { ExitCode } from './core/errors.js';
import { parseDuration } from './core/parse.js';
import { COMMANDS, type CommandSpec } from './commands/catalog.js';
import { openClient, type CommandContext, type GlobalOptions } from './commands/context.js';
import type { IOStreams } from './ui/iostreams.js';
import type { Prompter } from './ui/prompter.js';
import type { OutputFormat } from './ui/document.js';
import type { KnativeClient } from './kube/client.js';

const EXIT_CODES_HELP = `
Exit codes:
  0 done · 1 failed · 2 usage error (nothing written) · 3 verification failed
  4 cannot reach or use the cluster · 5 conflict: the service changed underneath
  6 timed out waiting · 8 stopped on purpose (resumable) · 130 cancelled

Environment: KUBECONFIG, NO_COLOR, BGCTL_NO_PROMPT, BGCTL_INGRESS, BGCTL_DEBUG`;

/** Verbs that read the whole program (every verb's flags), so all option sets are built for them. */
const WHOLE_PROGRAM_VERBS = new Set(['completion']);

/** The whole program; a verb's action reports success through setExit. */
export function buildProgram(version: string, io: IOStreams, signal: AbortSignal, now: () => Date, setExit: (code: number) => void): Command {
  const program = new Command('bgctl')
    .description('Blue-green rollouts of Knative Services: pin, deploy, stage under a tag, verify, split, promote, roll back.')
    .version(version, '--version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addHelpCommand(false)
    .option('-n, --namespace <namespace>', 'namespace of the service (default: the context\'s, else "default")')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'yaml']).default('table'))
    .option('--no-color', 'disable color (also NO_COLOR)')
    .option('--verbose', 'trace HTTP requests on stderr (credentials redacted)')
    .option('--request-timeout <duration>', 'timeout of each API request, e.g. 30s (0: none; at most 168h)')
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
    .option('--timeout <duration>', 'how long to wait for readiness, at most 168h (0: check once, do not wait)', '5m');
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
      client ??= openClient(io, globals, signal);
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

/**
 * The exit code for commander's own exits (help and version shown: 0; an unknown verb, option or
 * choice, already printed as "error: …": usage), or undefined for any other error.
 */
export function commanderExitCode(err: unknown): number | undefined {
  if (!(err instanceof CommanderError)) return undefined;
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.Ok;
  return ExitCode.Usage;
}
