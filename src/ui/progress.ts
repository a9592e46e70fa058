// Progress for long waits, never on stdout. On a terminal: an ora spinner following the latest condition. Elsewhere
// (pipes, CI): one line when the wait starts and one when it ends; a failure's end line carries the last condition
// seen. Label, detail and final texts carry cluster strings: each goes through printable().
import type { Condition } from '../core/knative-types.js';
import type { IOStreams } from './iostreams.js';
import { printable } from './sanitize.js';

/** A running progress indicator; every method is safe to call after it has finished (then a no-op). */
export interface Progress {
  /** The detail after the label (on a terminal; elsewhere kept for a failure's end line). */
  update(detail: string | undefined): void;
  /** Shows a condition as the detail, e.g. "Ready=Unknown RevisionMissing: waiting for …". */
  updateCondition(c: Condition | undefined): void;
  /** Prints a line above the spinner (or as a plain line) without corrupting it. */
  log(line: string): void;
  /** Ends with ✓, ✗ or ! and the text (default: the label). */
  succeed(text?: string): void;
  fail(text?: string): void;
  warn(text?: string): void;
  /** Ends without a final line (the spinner is erased). */
  stop(): void;
}

/** One-line text for a condition: the message when Knative wrote one, else type=status and reason. */
export function describeCondition(c: Condition): string {
  if (c.message) return c.message;
  return c.reason ? `${c.type}=${c.status} (${c.reason})` : `${c.type}=${c.status}`;
}

interface OraLike {
  text: string;
  start(): unknown;
  stop(): unknown;
  clear(): unknown;
  render(): unknown;
  stopAndPersist(o: { symbol: string; text: string }): unknown;
}

/** Starts progress with a label such as "Waiting for hello-00002 to become ready". */
export async function startProgress(io: IOStreams, rawLabel: string): Promise<Progress> {
  const c = io.colors();
  const label = printable(rawLabel);
  let detail: string | undefined;
  let done = false;
  const text = () => (detail ? `${label}: ${detail}` : label);

  if (!io.spinnerEnabled()) {
    io.err.write(label + '\n');
    // The default end line of a failure or warning says what the wait saw last.
    const end = (icon: string, t?: string, withDetail = false) => {
      if (done) return;
      done = true;
      io.err.write(`${icon} ${t !== undefined ? printable(t) : withDetail ? text() : label}\n`);
    };
    const update = (d: string | undefined) => {
      if (!done) detail = d === undefined ? undefined : printable(d);
    };
    return {
      update,
      updateCondition: (cond) => update(cond ? describeCondition(cond) : undefined),
      log: (line) => void io.err.write(printable(line) + '\n'),
      succeed: (t) => end(c.successIcon, t),
      fail: (t) => end(c.failIcon, t, true),
      warn: (t) => end(c.warnIcon, t, true),
      stop: () => void (done = true),
    };
  }

  // Lazy: ora and its dependencies are only loaded when a terminal will actually show a spinner.
  const { default: ora } = await import('ora');
  const spinner: OraLike = ora({
    text: text(),
    stream: io.err as NodeJS.WritableStream,
    isEnabled: true,
    // Raw-mode stdin would swallow keys meant for a following prompt.
    discardStdin: false,
    color: c.enabled ? 'cyan' : false,
  });
  spinner.start();
  const end = (symbol: string, t?: string) => {
    if (done) return;
    done = true;
    spinner.stopAndPersist({ symbol, text: t === undefined ? label : printable(t) });
  };
  const update = (d: string | undefined) => {
    if (done) return;
    detail = d === undefined ? undefined : printable(d);
    spinner.text = text();
  };
  return {
    update,
    updateCondition: (cond) => update(cond ? describeCondition(cond) : undefined),
    log: (line) => {
      if (done) {
        io.err.write(printable(line) + '\n');
        return;
      }
      spinner.clear();
      io.err.write(printable(line) + '\n');
      spinner.render();
    },
    succeed: (t) => end(c.successIcon, t),
    fail: (t) => end(c.failIcon, t),
    warn: (t) => end(c.warnIcon, t),
    stop: () => {
      if (done) return;
      done = true;
      spinner.stop();
    },
  };
}

/** Runs fn under progress and always ends it (✓ doneText(result) or ✗ label): a live ora timer keeps node alive. */
export async function withProgress<T>(
  io: IOStreams,
  label: string,
  fn: (p: Progress) => Promise<T>,
  doneText?: (result: T) => string,
): Promise<T> {
  const p = await startProgress(io, label);
  try {
    const result = await fn(p);
    p.succeed(doneText?.(result));
    return result;
  } catch (err) {
    p.fail();
    throw err;
  }
}
