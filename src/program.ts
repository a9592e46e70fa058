// The commander program: global flags, every verb of the catalog with its flags, and the context a verb gets.
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, UsageError } from './core/errors.js';
import { parseDuration } from './core/parse.js';
import { parseContextList } from './core/fleet.js';
import { VERBS } from './commands/catalog.js';
import { FlagValues, type RunOverride } from './commands/verb.js';
import { addNotifyFlags } from './commands/notify-flags.js';
import { addWriteFlags } from './commands/write-flags.js';
import { typed } from './commands/typed.js';
import { openClient, type CommandContext, type GlobalOptions } from './commands/context.js';
import type { IOStreams } from './ui/iostreams.js';
import type { Prompter } from './ui/prompter.js';
import type { OutputFormat } from './ui/document.js';
import type { KnativeClient } from './kube/client.js';
import { QUOTE_LIMIT, quoteInput } from './core/quote.js';

const EXIT_CODES_HELP = `
Exit codes:
  0 done · 1 failed · 2 usage error (nothing written) · 3 verification failed
  4 cannot reach or use the cluster · 5 conflict: the service changed underneath
  6 timed out waiting · 8 stopped on purpose (resumable) · 130 cancelled

Environment: KUBECONFIG, NO_COLOR, BGCTL_NO_PROMPT, BGCTL_INGRESS, BGCTL_DEBUG`;

/** The verb commander was dispatching when it failed (for the hint `see bgctl VERB --help`). */
const activeVerb = new WeakMap<Command, string>();

/** The whole program; with `override`, a verb's parsed Options go there instead of to its run (gh's runF). */
export function buildProgram(
  version: string,
  io: IOStreams,
  signal: AbortSignal,
  now: () => Date,
  setExit: (code: number) => void,
  override?: RunOverride,
): Command {
  const program = new Command('bgctl')
    .description(
      'Blue-green rollouts of Knative Services: pin, deploy, stage under a tag, verify, split, promote, roll back.',
    )
    .version(version, '--version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addHelpCommand(false)
    // Inherited by every verb created below: its help lists the global flags in their own section.
    .configureHelp({ showGlobalOptions: true })
    .option('-n, --namespace <namespace>', 'namespace of the service (default: the context\'s, else "default")')
    .option('--context <name>', 'kubeconfig context to use (rollout and status: a comma list for several)')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'yaml']).default('table'))
    .option('--no-color', 'disable color (also NO_COLOR)')
    .option('-v, --verbose', "trace HTTP requests on stderr (credentials redacted); kubectl's numeric levels work too")
    .option('--request-timeout <duration>', 'timeout of each API request, e.g. 30s (0: none; at most 168h)')
    .option('--insecure-skip-tls-verify', 'do not verify the server certificate (unsafe)')
    .addHelpText('after', EXIT_CODES_HELP)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      // Help and usage lines name the command as typed (`kubectl bgctl split …` when run as a plugin).
      writeOut: (s) => io.out.write(typed(io, s)),
      writeErr: (s) => io.err.write(typed(io, s)),
      // commander's own errors are reported by cli.ts as `Error:` + `Hint:` (and a kind: Error document).
      outputError: () => undefined,
    });

  for (const verb of VERBS) {
    const cmd = program.command(verb.name).summary(verb.summary).description(verb.description);
    if (verb.args) cmd.argument(verb.args.name, verb.args.description);
    verb.flags?.(cmd);
    if (verb.writes) addWriteFlags(cmd);
    if (verb.notifies) addNotifyFlags(cmd);
    cmd.addHelpText('after', `\nExamples:\n${verb.examples.map((e) => `  ${e}`).join('\n')}`);
    cmd.action(async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const all = new FlagValues(command.optsWithGlobals());
      const globals = parseGlobals(all);
      if (globals.contexts && !verb.manyContexts)
        throw new UsageError(`${verb.name} works in one context: --context takes one name here`, {
          reason: 'ConflictingFlags',
          hint: 'several contexts: bgctl rollout or bgctl status with --context a,b',
        });
      io.setNoColor(!all.enabled('color'));
      const ctx = createContext(io, globals, signal, now, program);
      const arg = verb.args ? (args[0] as string | undefined) : undefined;
      await verb.invoke({ arg, flags: new FlagValues(command.opts()), env: io.env }, ctx, override);
      setExit(ExitCode.Ok);
    });
  }
  program
    .command('help')
    .summary('show the help of bgctl, or of one verb (same as bgctl VERB --help)')
    .description('Shows the help of bgctl, or of one verb (the same as bgctl VERB --help).')
    .argument('[verb]', 'the verb')
    .addHelpText('after', '\nExamples:\n  bgctl help\n  bgctl help split')
    .action((name: string | undefined) => {
      if (name === undefined) program.outputHelp();
      else {
        const cmd = program.commands.find((c) => c.name() === name && c.name() !== 'help');
        if (!cmd)
          throw new UsageError(`unknown command '${name}'`, { reason: 'UnknownCommand', hint: 'see bgctl --help' });
        cmd.outputHelp();
      }
      setExit(ExitCode.Ok);
    });
  // Runs after the program parsed its own (global) options and before the verb parses its argv.
  program.hook('preSubcommand', (_program, verb) => {
    activeVerb.set(program, verb.name());
  });
  return program;
}

/** argv for commander: none is `--help`; `--dry-run=MODE` is `--dry-run --dry-run-mode MODE` (not after `--`). */
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
    else out.push(...kubectlSpelling(a));
  }
  return out;
}

// pflag's booleans (strconv.ParseBool), for `--insecure-skip-tls-verify=BOOL` as kubectl takes it.
const PFLAG_TRUE = ['1', 't', 'T', 'true', 'TRUE', 'True'];
const PFLAG_FALSE = ['0', 'f', 'F', 'false', 'FALSE', 'False'];

/**
 * kubectl's spellings of the global flags bgctl shares, as a plugin receives them: `--insecure-skip-tls-verify=BOOL`
 * and the log level `-v=N`/`--v=N` (any N > 0 is --verbose, 0 is off). Anything else is left to commander.
 */
function kubectlSpelling(a: string): string[] {
  const insecure = /^--insecure-skip-tls-verify=(.*)$/.exec(a);
  if (insecure && PFLAG_TRUE.includes(insecure[1])) return ['--insecure-skip-tls-verify'];
  if (insecure && PFLAG_FALSE.includes(insecure[1])) return [];
  const level = /^--?v=(\d+)$/.exec(a);
  if (level) return Number(level[1]) > 0 ? ['--verbose'] : [];
  return [a];
}

/** --request-timeout as kubectl reads it (clientcmd.ParseTimeout): a bare number is seconds, else a duration. */
function requestTimeoutMs(raw: string): number {
  if (/^\d+$/.test(raw.trim())) return parseDuration(`${raw.trim()}s`, '--request-timeout');
  return parseDuration(raw, '--request-timeout');
}

export function parseGlobals(all: FlagValues): GlobalOptions {
  const requestTimeout = all.string('requestTimeout');
  const context = all.string('context');
  // A comma makes a list (kubeconfig context names rarely hold one): several contexts, only rollout and status.
  const contexts = context?.includes(',') ? parseContextList(context) : undefined;
  return {
    namespace: all.string('namespace'),
    ...(contexts ? { contexts } : { context }),
    kubeconfig: all.string('kubeconfig'),
    // commander's .choices() has validated -o already; importing ui/document.js here would load
    // js-yaml on every start, --help included.
    output: all.string('output') as OutputFormat,
    verbose: all.given('verbose'),
    requestTimeoutMs: requestTimeout === undefined ? undefined : requestTimeoutMs(requestTimeout),
    insecureSkipTlsVerify: all.given('insecureSkipTlsVerify'),
  };
}

function createContext(
  io: IOStreams,
  globals: GlobalOptions,
  signal: AbortSignal,
  now: () => Date,
  program: Command,
): CommandContext {
  let client: Promise<KnativeClient> | undefined;
  let prompter: Prompter | undefined;
  return {
    io,
    globals,
    signal,
    now,
    program,
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

/** commander's exits: help/version are 0; its parse errors become a UsageError hinting at the help; else undefined. */
export function fromCommander(
  err: unknown,
  program: Command,
  argv: readonly string[] = [],
): number | UsageError | undefined {
  if (!(err instanceof CommanderError)) return undefined;
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
    return ExitCode.Ok;
  // "error: unknown option '--bogus'\n(Did you mean --verbose?)" -> one line.
  const [first, ...more] = err.message
    .replace(/^error: /, '')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const suggestion = more.join(' ').replace(/^\((.*)\)$/, '$1');
  const message = boundValues(
    suggestion ? `${first} (${suggestion.charAt(0).toLowerCase()}${suggestion.slice(1)})` : first,
    argv,
  );
  let verb = err.code === 'commander.unknownCommand' ? undefined : verbOf(program, argv);
  // A flag that failed before the verb on the line is the program's, whichever verb follows.
  const flag = /'(-[^',\s]*)/.exec(first)?.[1];
  if (verb && !activeVerb.has(program) && flag) {
    const at = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    if (at >= 0 && at < argv.indexOf(verb)) verb = undefined;
  }
  return new UsageError(message, { reason: COMMANDER_REASONS[err.code] ?? 'Usage', hint: helpHint(verb) });
}

/** commander repeats a value as given (`argument '…' is invalid`): a long one is cut and escaped as quoteInput does. */
function boundValues(message: string, argv: readonly string[]): string {
  let out = message;
  for (const arg of argv)
    for (const value of [arg, arg.slice(arg.indexOf('=') + 1)])
      if (value.length > QUOTE_LIMIT) out = out.split(value).join(quoteInput(value).slice(1, -1));
  return out;
}

/** `see bgctl VERB --help`, or the program's help when no verb is known. */
export function helpHint(verb: string | undefined): string {
  return verb ? `see bgctl ${verb} --help` : 'see bgctl --help';
}

/**
 * The verb being run: the one commander dispatched to, else the verb named in argv (the program parses
 * global flags anywhere in argv, so `split hello -o xml` fails before the verb is dispatched).
 */
export function verbOf(program: Command, argv: readonly string[] = []): string | undefined {
  const dispatched = activeVerb.get(program);
  if (dispatched) return dispatched;
  const takesValue = new Set(
    program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.short, o.long].filter(Boolean)),
  );
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return undefined;
    if (a.startsWith('-')) {
      if (takesValue.has(a)) i++;
      continue;
    }
    return program.commands.some((c) => c.name() === a) ? a : undefined;
  }
  return undefined;
}
