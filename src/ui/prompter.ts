// The only file that imports @inquirer/prompts (lazily, so non-interactive runs never load it).
// Commands and wizard steps depend on the Prompter interface; tests use FakePrompter.
import { CancelError, UsageError } from '../core/errors.js';
import type { IOStreams } from './iostreams.js';
import { printable } from './sanitize.js';

/** One entry of a select or search list. */
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

/** Everything bgctl asks a person; one method per widget. */
export interface Prompter {
  select<T>(message: string, choices: ReadonlyArray<Choice<T>>, opts?: { default?: T }): Promise<T>;
  /** A list filtered as the user types; source(undefined) must return the full list. */
  search<T>(message: string, source: (term: string | undefined) => ReadonlyArray<Choice<T>> | Promise<ReadonlyArray<Choice<T>>>): Promise<T>;
  confirm(message: string, opts?: { default?: boolean }): Promise<boolean>;
  input(message: string, opts?: { default?: string; validate?: Validate<string> }): Promise<string>;
  number(message: string, opts?: { default?: number; min?: number; max?: number; validate?: Validate<number> }): Promise<number>;
}

/** What any prompter throws when asked to prompt without a terminal (a bug in the caller). */
export function notInteractive(message: string): UsageError {
  return new UsageError(`cannot ask "${message}": not running interactively`);
}

/** Inquirer rejects with these on Ctrl-C and on an aborted signal; matched by name to avoid importing @inquirer/core. */
function isCancel(err: unknown): boolean {
  return err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError');
}

/** The real prompter: inquirer widgets reading io.in and drawing on io.err (stdout stays for results). */
export function createPrompter(io: IOStreams, signal?: AbortSignal): Prompter {
  const ctx = () => ({ input: io.in as NodeJS.ReadableStream, output: io.err as NodeJS.WritableStream, signal });
  // Inquirer colors by itself (ignoring NO_COLOR and --no-color); restyle its main parts with our scheme.
  // Messages, choices and defaults may name cluster strings (revisions, images): shown escaped,
  // while the values handed back stay as they are.
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
          { message, default: opts.default, min: opts.min, max: opts.max, required: true, validate: opts.validate, theme },
          ctx(),
        ),
      ),
  };
}

/** Answer that makes FakePrompter behave as if the user pressed Ctrl-C. */
export const CANCEL = Symbol('cancel');

/** One prompt FakePrompter saw. */
export interface AskedPrompt {
  kind: 'select' | 'search' | 'confirm' | 'input' | 'number';
  message: string;
  answer: unknown;
}

/**
 * Test double answering by exact prompt message. Throws on a prompt it has no answer for, on a
 * select/search answer that is not among the choices, and on an input/number answer its own
 * validate rejects. Give several answers to one message with the entries form.
 */
export class FakePrompter implements Prompter {
  readonly asked: AskedPrompt[] = [];
  #queues = new Map<string, unknown[]>();

  #io: Pick<IOStreams, 'canPrompt'> | undefined;

  /** With opts.io, behaves like the real prompter off a terminal: any prompt is an error. */
  constructor(answers: Record<string, unknown> | ReadonlyArray<readonly [string, unknown]> = {}, opts: { io?: Pick<IOStreams, 'canPrompt'> } = {}) {
    this.#io = opts.io;
    const entries = Array.isArray(answers) ? answers : Object.entries(answers);
    for (const [message, answer] of entries) {
      const q = this.#queues.get(message) ?? [];
      q.push(answer);
      this.#queues.set(message, q);
    }
  }

  /** Messages whose answers were never asked for, with how many are left. */
  unconsumed(): string[] {
    return [...this.#queues].filter(([, q]) => q.length > 0).map(([m, q]) => (q.length > 1 ? `${m} (x${q.length})` : m));
  }

  /** Throws if some answers were never used: the code under test skipped a prompt the test expected. */
  assertAllConsumed(): void {
    const left = this.unconsumed();
    if (left.length > 0) throw new Error(`FakePrompter: prompts never asked: ${left.map((m) => JSON.stringify(m)).join(', ')}`);
  }

  #take(kind: AskedPrompt['kind'], message: string): unknown {
    if (this.#io && !this.#io.canPrompt()) throw notInteractive(message);
    const q = this.#queues.get(message);
    if (!q || q.length === 0) {
      const known = [...this.#queues.keys()].map((m) => JSON.stringify(m)).join(', ') || 'none';
      throw new Error(`FakePrompter: unexpected ${kind} prompt ${JSON.stringify(message)} (answers given for: ${known})`);
    }
    const answer = q.shift();
    this.asked.push({ kind, message, answer });
    if (answer === CANCEL) throw new CancelError();
    return answer;
  }

  async select<T>(message: string, choices: ReadonlyArray<Choice<T>>): Promise<T> {
    const answer = this.#take('select', message);
    return pick(message, choices, answer);
  }

  async search<T>(message: string, source: (term: string | undefined) => ReadonlyArray<Choice<T>> | Promise<ReadonlyArray<Choice<T>>>): Promise<T> {
    const answer = this.#take('search', message);
    return pick(message, await source(undefined), answer);
  }

  async confirm(message: string): Promise<boolean> {
    const answer = this.#take('confirm', message);
    if (typeof answer !== 'boolean') throw new Error(`FakePrompter: confirm ${JSON.stringify(message)} needs a boolean answer`);
    return answer;
  }

  async input(message: string, opts: { validate?: Validate<string> } = {}): Promise<string> {
    const answer = this.#take('input', message);
    if (typeof answer !== 'string') throw new Error(`FakePrompter: input ${JSON.stringify(message)} needs a string answer`);
    check(message, opts.validate?.(answer));
    return answer;
  }

  async number(message: string, opts: { min?: number; max?: number; validate?: Validate<number> } = {}): Promise<number> {
    const answer = this.#take('number', message);
    if (typeof answer !== 'number' || Number.isNaN(answer)) throw new Error(`FakePrompter: number ${JSON.stringify(message)} needs a number answer`);
    if ((opts.min !== undefined && answer < opts.min) || (opts.max !== undefined && answer > opts.max)) {
      throw new Error(`FakePrompter: answer ${answer} to ${JSON.stringify(message)} is outside [${opts.min ?? '-∞'}, ${opts.max ?? '∞'}]`);
    }
    check(message, opts.validate?.(answer));
    return answer;
  }
}

function pick<T>(message: string, choices: ReadonlyArray<Choice<T>>, answer: unknown): T {
  const hit = choices.find((c) => Object.is(c.value, answer) || JSON.stringify(c.value) === JSON.stringify(answer));
  if (!hit) {
    const offered = choices.map((c) => JSON.stringify(c.value)).join(', ');
    throw new Error(`FakePrompter: answer ${JSON.stringify(answer)} to ${JSON.stringify(message)} is not among the choices (${offered})`);
  }
  if (hit.disabled) throw new Error(`FakePrompter: answer ${JSON.stringify(answer)} to ${JSON.stringify(message)} is disabled`);
  return hit.value;
}

function check(message: string, verdict: true | string | undefined): void {
  if (verdict !== undefined && verdict !== true) {
    throw new Error(`FakePrompter: answer to ${JSON.stringify(message)} fails validation: ${verdict}`);
  }
}
