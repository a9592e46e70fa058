// What a verb is: help texts, flags, a typed parse to its Options (src/commands/<verb>/options.ts) and a lazily
// loaded run(opts, ctx) (run.ts). program.ts registers them all from catalog.ts.
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import type { CommandContext } from './context.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** commander's parsed flags of one verb, read through getters that check each value's shape. */
export class FlagValues {
  constructor(private readonly values: Readonly<Record<string, unknown>>) {}

  /** A flag that takes a value; undefined when not given and without a default. */
  string(key: string): string | undefined {
    const v = this.values[key];
    if (v === undefined || typeof v === 'string') return v;
    throw new Error(`internal: flag value "${key}" is not a string`);
  }

  given(key: string): boolean {
    return this.values[key] === true;
  }

  /** The value of a `--no-X` switch pair: false only when `--no-X` was given. */
  enabled(key: string): boolean {
    return this.values[key] !== false;
  }

  /**
   * Several value flags at once, under the names `keys` gives them (name -> flag key); flags not given
   * are absent, and so is an empty value of the names in `emptyIsUnset`.
   */
  strings<K extends string>(keys: Record<K, string>, emptyIsUnset: NoInfer<K>[] = []): Partial<Record<K, string>> {
    const out: Partial<Record<K, string>> = {};
    for (const name of Object.keys(keys) as K[]) {
      const v = this.string(keys[name]);
      if (v !== undefined && !(v === '' && emptyIsUnset.includes(name))) out[name] = v;
    }
    return out;
  }

  list(key: string): string[] {
    const v = this.values[key];
    if (v === undefined) return [];
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v;
    throw new Error(`internal: flag value "${key}" is not a list of strings`);
  }
}

export interface VerbInput {
  arg: string | undefined;
  flags: FlagValues;
  env: Env;
}

export interface VerbRun<O> {
  run(opts: O, ctx: CommandContext): Promise<void>;
}

export interface Verb<O> {
  name: string;
  summary: string;
  description: string;
  /** The one positional (kn's convention), e.g. `[service]`. */
  args?: { name: string; description: string };
  /** Accepts several contexts (`--context a,b`): the fleet verbs. */
  manyContexts?: boolean;
  /** Adds --dry-run, --yes, --wait/--no-wait and --timeout (parsed with writeOptions). */
  writes?: boolean;
  /** Adds --notify and --notify-format (notify-flags.ts); the events still being delivered are flushed after run. */
  notifies?: boolean;
  examples: string[];
  flags?(cmd: Command): void;
  /** Checks every flag and returns the verb's Options; throws UsageError (exit 2) before any request. */
  parse(input: VerbInput): O;
  load(): Promise<VerbRun<O>>;
}

/** Replaces a verb's run (gh's runF): parse tests capture the Options instead of running. */
export type RunOverride = (verb: string, opts: unknown) => Promise<void>;

/** A verb with its Options type hidden, as the catalog lists them. */
export interface VerbEntry extends Omit<Verb<unknown>, 'parse' | 'load'> {
  invoke(input: VerbInput, ctx: CommandContext, override?: RunOverride): Promise<void>;
}

export function defineVerb<O>(verb: Verb<O>): VerbEntry {
  const { parse, load, ...meta } = verb;
  return {
    ...meta,
    async invoke(input, ctx, override) {
      const opts = parse(input);
      if (override) return override(verb.name, opts);
      const mod = await load();
      if (!verb.notifies) return mod.run(opts, ctx);
      try {
        await mod.run(opts, ctx);
      } finally {
        const { flushNotifications } = await import('./notify-events.js');
        await flushNotifications(ctx.signal.aborted);
      }
    },
  };
}

/** A value from the environment (empty counts as unset), parsed; a bad one is a usage error naming the variable. */
export function fromEnv<T>(env: Env, name: string, parse: (raw: string) => T): T | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    return parse(raw);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    // Parsers told the variable's name already say it (`invalid BGCTL_IMAGE "…"`).
    throw new UsageError(why.includes(name) ? why : `invalid ${name}: ${why}`, { reason: 'InvalidEnv', cause: err });
  }
}
