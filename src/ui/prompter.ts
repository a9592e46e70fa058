// The only importer of @inquirer/prompts (lazily: non-interactive runs never load it). Tests answer through
// test/helpers/fake-prompter.ts.
import { CancelError, UsageError } from '../core/errors.js';
import type { IOStreams } from './iostreams.js';
import { printable } from './sanitize.js';

export interface Choice<T> {
  value: T;
  /** Shown in the list; defaults to String(value). */
  name?: string;
  description?: string;
  /** true, or the reason shown next to it. */
  disabled?: boolean | string;
}

/** Returns true when valid, or the message to show. */
export type Validate<T> = (value: T) => true | string;

export interface Prompter {
  select<T>(message: string, choices: ReadonlyArray<Choice<T>>, opts?: { default?: T }): Promise<T>;
  /** A list filtered as the user types; source(undefined) must return the full list. */
  search<T>(
    message: string,
    source: (term: string | undefined) => ReadonlyArray<Choice<T>> | Promise<ReadonlyArray<Choice<T>>>,
  ): Promise<T>;
  confirm(message: string, opts?: { default?: boolean }): Promise<boolean>;
  input(message: string, opts?: { default?: string; validate?: Validate<string> }): Promise<string>;
  number(
    message: string,
    opts?: { default?: number; min?: number; max?: number; validate?: Validate<number> },
  ): Promise<number>;
}

/** What any prompter throws when asked to prompt without a terminal (a bug in the caller). */
export function notInteractive(message: string): UsageError {
  return new UsageError(`cannot ask "${message}": not running interactively`);
}

/** Inquirer rejects with these on Ctrl-C and on an aborted signal; matched by name, not importing @inquirer/core. */
function isCancel(err: unknown): boolean {
  return err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError');
}

/** The real prompter: inquirer widgets reading io.in and drawing on io.err (stdout stays for results). */
export function createPrompter(io: IOStreams, signal?: AbortSignal): Prompter {
  const ctx = () => ({ input: io.in as NodeJS.ReadableStream, output: io.err as NodeJS.WritableStream, signal });
  // Inquirer colors by itself (ignoring NO_COLOR and --no-color): restyle its main parts with our scheme. Cluster
  // strings in messages and choices are shown escaped; the values handed back stay as they are.
  const c = io.colors();
  const theme = {
    prefix: { idle: c.accent('?'), done: c.success('✔') },
    style: {
      answer: (t: string) => c.accent(printable(t)),
      message: (t: string) => c.bold(printable(t)),
      error: (t: string) => c.fail(`> ${printable(t)}`),
      defaultAnswer: (t: string) => c.muted(`(${printable(t)})`),
      help: c.muted,
      highlight: c.accent,
      key: (t: string) => c.accent(c.bold(`<${t}>`)),
    },
  };
  async function run<T>(message: string, ask: (p: typeof import('@inquirer/prompts')) => Promise<T>): Promise<T> {
    // A prompt off a terminal would hang or read garbage; resolve.ts should have prevented this.
    if (!io.canPrompt()) throw notInteractive(message);
    const prompts = await import('@inquirer/prompts');
    try {
      return await ask(prompts);
    } catch (err) {
      if (isCancel(err)) throw new CancelError();
      throw err;
    }
  }
  const toInquirer = <T>(c: Choice<T>) => ({
    value: c.value,
    name: printable(c.name ?? String(c.value)),
    description: c.description === undefined ? undefined : printable(c.description),
    disabled: c.disabled,
  });
  return {
    select: (message, choices, opts = {}) =>
      run(message, (p) => p.select({ message, choices: choices.map(toInquirer), default: opts.default, theme }, ctx())),
    search: (message, source) =>
      run(message, (p) =>
        p.search({ message, source: async (term) => (await source(term || undefined)).map(toInquirer), theme }, ctx()),
      ),
    confirm: (message, opts = {}) => run(message, (p) => p.confirm({ message, default: opts.default, theme }, ctx())),
    input: (message, opts = {}) =>
      run(message, (p) => p.input({ message, default: opts.default, validate: opts.validate, theme }, ctx())),
    number: (message, opts = {}) =>
      run(message, (p) =>
        p.number(
          {
            message,
            default: opts.default,
            min: opts.min,
            max: opts.max,
            required: true,
            validate: opts.validate,
            theme,
          },
          ctx(),
        ),
      ),
  };
}
