// gh-style parse tests' seam: runs argv through the real commander program with an override in
// place of each verb's run, so a test sees the typed Options a verb would have run with. No cluster
// client is opened and nothing is written.
import type { Command } from 'commander';
import { UsageError } from '../../src/core/errors.js';
import { buildProgram, fromCommander, parseGlobals, userArgv } from '../../src/program.js';
import { FlagValues } from '../../src/commands/verb.js';
import type { GlobalOptions } from '../../src/commands/context.js';
import { IOStreams } from '../../src/ui/iostreams.js';

export interface ParsedVerb {
  verb: string;
  /** The verb's Options; cast to the type its options.ts exports. */
  opts: unknown;
  /** The global flags as the verb's context would get them. */
  globals: GlobalOptions;
}

/** Parses `bgctl ARGV` with `env` as the environment; throws the UsageError a user would get. */
export async function parseVerb(argv: string[], env: Record<string, string> = {}): Promise<ParsedVerb> {
  const io = IOStreams.test({ env });
  let captured: { verb: string; opts: unknown } | undefined;
  const program = buildProgram(
    '0.0.0-test',
    io,
    new AbortController().signal,
    () => new Date(0),
    () => undefined,
    async (verb, opts) => {
      captured = { verb, opts };
    },
  );
  try {
    await program.parseAsync(userArgv(argv), { from: 'user' });
  } catch (err) {
    const parsed = fromCommander(err, program);
    if (parsed instanceof UsageError) throw parsed;
    if (parsed !== undefined) throw new Error(`commander exited ${parsed} (help or version shown), no verb ran`);
    throw err;
  }
  if (!captured) throw new Error(`no verb ran for: ${argv.join(' ')}`);
  return { ...captured, globals: globalsOf(program, captured.verb) };
}

/** The verb's Options alone, for tests that check nothing else. */
export async function parseOpts<O>(argv: string[], env: Record<string, string> = {}): Promise<O> {
  return (await parseVerb(argv, env)).opts as O;
}

function globalsOf(program: Command, verb: string): GlobalOptions {
  const cmd = program.commands.find((c) => c.name() === verb);
  if (!cmd) throw new Error(`no command ${verb}`);
  return parseGlobals(new FlagValues(cmd.optsWithGlobals()));
}

/** An assert.rejects matcher: a UsageError with this reason and a message matching `message`. */
export function usage(reason: string, message?: RegExp): (err: unknown) => boolean {
  return (err) => {
    if (!(err instanceof UsageError)) throw new Error(`expected a UsageError, got ${String(err)}`);
    if (err.reason !== reason) throw new Error(`expected reason ${reason}, got ${err.reason}: ${err.message}`);
    if (message && !message.test(err.message))
      throw new Error(`message ${JSON.stringify(err.message)} does not match ${message}`);
    return true;
  };
}
