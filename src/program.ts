// The commander program: global flags, every verb of the catalog (its options built only when it
// runs), and the context a verb gets. Loaded by cli.ts for everything but a bare --version.
import { Command, CommanderError, Help, Option } from 'commander';
import { ExitCode, UsageError } from './core/errors.js';
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

/** The verb commander was dispatching when it failed (for the hint `see bgctl VERB --help`). */
const activeVerb = new WeakMap<Command, string>();

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
      // commander's own errors are reported by cli.ts as `Error:` + `Hint:` (and a kind: Error document).
      outputError: () => undefined,
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
      const opts = command.opts();
      if (spec.writes) dryRunMode(opts);
      await mod.run(ctx, service, opts);
      setExit(ExitCode.Ok);
    });
  }
  program
    .command('help')
    .summary('show the help of bgctl, or of one verb (same as bgctl VERB --help)')
    .argument('[verb]', 'the verb')
    .action((name: string | undefined) => {
      if (name === undefined) program.outputHelp();
      else {
        const cmd = program.commands.find((c) => c.name() === name);
        if (!cmd || !specs.has(cmd)) throw new UsageError(`unknown command '${name}'`, { reason: 'UnknownCommand', hint: 'see bgctl --help' });
        attach(cmd);
        cmd.outputHelp();
      }
      setExit(ExitCode.Ok);
    });
  // Runs after the program parsed its own (global) options and before the verb parses its argv.
  program.hook('preSubcommand', (_program, verb) => {
    activeVerb.set(program, verb.name());
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

/**
 * --dry-run, --yes, --wait/--no-wait and --timeout, shared by every command that writes. The dry-run
 * mode is given only with `=` (kubectl's form): an optional value would take the next word, so that
 * `--dry-run hello` would lose the service. userArgv() turns `--dry-run=MODE` into the hidden option.
 */
function addWriteOptions(cmd: Command): void {
  cmd
    .option('--dry-run', 'print the plan and change nothing (--dry-run=server: also send the patch with dryRun=All)')
    .addOption(new Option('--dry-run-mode <mode>').hideHelp())
    .option('-y, --yes', 'apply without asking (required when not on a terminal)')
    .option('--wait', 'wait until the service is Ready and traffic matches (default)', true)
    .option('--no-wait', 'return right after the write')
    .option('--timeout <duration>', 'how long to wait for readiness, at most 168h (0: check once, do not wait)', '5m');
}

/** The verb's dryRun option as the verbs read it: undefined, 'client' or 'server'. */
function dryRunMode(opts: Record<string, any>): void {
  const mode: unknown = opts.dryRunMode ?? (opts.dryRun === true ? 'client' : undefined);
  delete opts.dryRunMode;
  if (mode !== undefined && mode !== 'client' && mode !== 'server') {
    throw new UsageError(`invalid value "${String(mode)}" for --dry-run: use --dry-run, --dry-run=client or --dry-run=server`, { reason: 'InvalidDryRun' });
  }
  opts.dryRun = mode;
}

/**
 * argv as commander should see it: no arguments is `--help`; `--dry-run=MODE` is `--dry-run` plus
 * the hidden `--dry-run-mode MODE` (anything after `--` is left alone).
 */
export function userArgv(argv: readonly string[]): string[] {
  if (argv.length === 0) return ['--help'];
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (a.startsWith('--dry-run=')) out.push('--dry-run', `--dry-run-mode=${a.slice('--dry-run='.length)}`);
    else out.push(a);
  }
  return out;
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

const COMMANDER_REASONS: Record<string, string> = {
  'commander.unknownCommand': 'UnknownCommand',
  'commander.unknownOption': 'UnknownOption',
  'commander.invalidArgument': 'InvalidChoice',
  'commander.missingArgument': 'MissingArgument',
  'commander.optionMissingArgument': 'MissingOptionValue',
  'commander.missingMandatoryOptionValue': 'MissingOptionValue',
  'commander.excessArguments': 'ExcessArguments',
  'commander.conflictingOption': 'ConflictingFlags',
};

/**
 * commander's own exits: help and version shown are exit 0; its parse errors (unknown verb or
 * flag, bad choice, missing or extra argument) become a UsageError whose hint names the help to
 * read. undefined for anything that is not commander's.
 */
export function fromCommander(err: unknown, program: Command): number | UsageError | undefined {
  if (!(err instanceof CommanderError)) return undefined;
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.Ok;
  // "error: unknown option '--bogus'\n(Did you mean --verbose?)" -> one line.
  const [first, ...more] = err.message.replace(/^error: /, '').split('\n').filter((l) => l.trim() !== '');
  const suggestion = more.join(' ').replace(/^\((.*)\)$/, '$1');
  const message = suggestion ? `${first} (${suggestion.charAt(0).toLowerCase()}${suggestion.slice(1)})` : first;
  const verb = err.code === 'commander.unknownCommand' ? undefined : activeVerb.get(program);
  return new UsageError(message, { reason: COMMANDER_REASONS[err.code] ?? 'Usage', hint: helpHint(verb) });
}

/** `see bgctl VERB --help`, or the program's help when no verb is known. */
export function helpHint(verb: string | undefined): string {
  return verb ? `see bgctl ${verb} --help` : 'see bgctl --help';
}

/** The verb being run, once commander has dispatched to it. */
export function verbOf(program: Command): string | undefined {
  return activeVerb.get(program);
}
