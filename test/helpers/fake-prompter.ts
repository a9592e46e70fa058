// The test double of src/ui/prompter.ts: answers prompts by their exact message, and fails the test
// on a prompt it was not told about, an answer not among the choices, or one its validate rejects.
import { CancelError } from '../../src/core/errors.js';
import type { IOStreams } from '../../src/ui/iostreams.js';
import { notInteractive, type Choice, type Prompter, type Validate } from '../../src/ui/prompter.js';

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
  constructor(
    answers: Record<string, unknown> | ReadonlyArray<readonly [string, unknown]> = {},
    opts: { io?: Pick<IOStreams, 'canPrompt'> } = {},
  ) {
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
    return [...this.#queues]
      .filter(([, q]) => q.length > 0)
      .map(([m, q]) => (q.length > 1 ? `${m} (x${q.length})` : m));
  }

  /** Throws if some answers were never used: the code under test skipped a prompt the test expected. */
  assertAllConsumed(): void {
    const left = this.unconsumed();
    if (left.length > 0)
      throw new Error(`FakePrompter: prompts never asked: ${left.map((m) => JSON.stringify(m)).join(', ')}`);
  }

  #take(kind: AskedPrompt['kind'], message: string): unknown {
    if (this.#io && !this.#io.canPrompt()) throw notInteractive(message);
    const q = this.#queues.get(message);
    if (!q || q.length === 0) {
      const known = [...this.#queues.keys()].map((m) => JSON.stringify(m)).join(', ') || 'none';
      throw new Error(
        `FakePrompter: unexpected ${kind} prompt ${JSON.stringify(message)} (answers given for: ${known})`,
      );
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

  async search<T>(
    message: string,
    source: (term: string | undefined) => ReadonlyArray<Choice<T>> | Promise<ReadonlyArray<Choice<T>>>,
  ): Promise<T> {
    const answer = this.#take('search', message);
    return pick(message, await source(undefined), answer);
  }

  async confirm(message: string): Promise<boolean> {
    const answer = this.#take('confirm', message);
    if (typeof answer !== 'boolean')
      throw new Error(`FakePrompter: confirm ${JSON.stringify(message)} needs a boolean answer`);
    return answer;
  }

  async input(message: string, opts: { validate?: Validate<string> } = {}): Promise<string> {
    const answer = this.#take('input', message);
    if (typeof answer !== 'string')
      throw new Error(`FakePrompter: input ${JSON.stringify(message)} needs a string answer`);
    check(message, opts.validate?.(answer));
    return answer;
  }

  async number(
    message: string,
    opts: { min?: number; max?: number; validate?: Validate<number> } = {},
  ): Promise<number> {
    const answer = this.#take('number', message);
    if (typeof answer !== 'number' || Number.isNaN(answer))
      throw new Error(`FakePrompter: number ${JSON.stringify(message)} needs a number answer`);
    if ((opts.min !== undefined && answer < opts.min) || (opts.max !== undefined && answer > opts.max)) {
      throw new Error(
        `FakePrompter: answer ${answer} to ${JSON.stringify(message)} is outside [${opts.min ?? '-∞'}, ${opts.max ?? '∞'}]`,
      );
    }
    check(message, opts.validate?.(answer));
    return answer;
  }
}

function pick<T>(message: string, choices: ReadonlyArray<Choice<T>>, answer: unknown): T {
  const hit = choices.find((c) => Object.is(c.value, answer) || JSON.stringify(c.value) === JSON.stringify(answer));
  if (!hit) {
    const offered = choices.map((c) => JSON.stringify(c.value)).join(', ');
    throw new Error(
      `FakePrompter: answer ${JSON.stringify(answer)} to ${JSON.stringify(message)} is not among the choices (${offered})`,
    );
  }
  if (hit.disabled)
    throw new Error(`FakePrompter: answer ${JSON.stringify(answer)} to ${JSON.stringify(message)} is disabled`);
  return hit.value;
}

function check(message: string, verdict: true | string | undefined): void {
  if (verdict !== undefined && verdict !== true) {
    throw new Error(`FakePrompter: answer to ${JSON.stringify(message)} fails validation: ${verdict}`);
  }
}

/** A FakePrompter that runs `hook` the first time `message` is asked (someone acts while the prompt waits). */
export class PromptWithSideEffect extends FakePrompter {
  constructor(
    answers: ReadonlyArray<readonly [string, unknown]>,
    private readonly message: string,
    private hook: (() => void) | undefined,
  ) {
    super(answers);
  }
  override async select<T>(message: string, choices: ReadonlyArray<Choice<T>>): Promise<T> {
    if (message === this.message && this.hook) {
      this.hook();
      this.hook = undefined;
    }
    return super.select(message, choices);
  }
}
