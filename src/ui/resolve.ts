// The prompting rule (docs/cli.md, "Prompting"): flag, else environment, else a prompt when a person is at a
// terminal; without one, a missing value is a usage error naming the flag, and traffic moves only with --yes.
import { CancelError, UsageError, type BgctlError } from '../core/errors.js';
import type { IOStreams } from './iostreams.js';
import type { Prompter } from './prompter.js';

export interface ValueSpec<T> {
  /** As the user types it, e.g. "--image"; named in the usage error. */
  flag: string;
  value: T | undefined;
  /** Consulted next, e.g. "BGCTL_IMAGE"; an empty value counts as unset. */
  env?: string;
  /** Turns the env string into T (a bad value throws a UsageError); defaults to the string itself. */
  parse?: (raw: string) => T;
  /** Only called when io.canPrompt(). */
  prompt: (p: Prompter) => Promise<T>;
}

/** `--image is required when not running interactively` */
export function requiredMessage(flag: string): string {
  return `${flag} is required when not running interactively`;
}

/** Resolves a value: flag, else env var, else prompt on a terminal, else UsageError naming the flag. */
export async function resolveValue<T>(io: IOStreams, prompter: Prompter, spec: ValueSpec<T>): Promise<T> {
  if (spec.value !== undefined) return spec.value;
  if (spec.env) {
    const raw = io.env[spec.env];
    if (raw !== undefined && raw !== '') {
      try {
        return spec.parse ? spec.parse(raw) : (raw as unknown as T);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        throw new UsageError(`invalid ${spec.env}: ${why}`, { reason: 'InvalidEnv', cause: err });
      }
    }
  }
  if (io.canPrompt()) return spec.prompt(prompter);
  throw new UsageError(requiredMessage(spec.flag), {
    reason: 'MissingFlag',
    hint: spec.env ? `pass ${spec.flag} or set ${spec.env}` : `pass ${spec.flag}`,
  });
}

/** Message of the UsageError for a traffic change without a terminal and without --yes. */
export const YES_REQUIRED_MESSAGE = 'not running interactively: traffic moves only with --yes';

export interface ConfirmOptions {
  yes: boolean | undefined;
  message: string;
  /** Error thrown when the person answers no; default CancelError (exit 130), nothing changed. */
  onDecline?: () => BgctlError;
  /** The answer Enter gives; default no. */
  defaultAnswer?: boolean;
  /** The usage error's message without a terminal and without --yes. */
  withoutTerminal?: string;
}

/** Gate before a write: --yes passes; a terminal asks, "no" throws; else a UsageError: scripts never move traffic. */
export async function confirmChange(io: IOStreams, prompter: Prompter, opts: ConfirmOptions): Promise<void> {
  if (opts.yes) return;
  if (!io.canPrompt()) {
    throw new UsageError(opts.withoutTerminal ?? YES_REQUIRED_MESSAGE, {
      reason: 'ConfirmationRequired',
      hint: 'add --yes to apply the change, or --dry-run to preview it',
    });
  }
  const ok = await prompter.confirm(opts.message, { default: opts.defaultAnswer ?? false });
  if (!ok) throw opts.onDecline ? opts.onDecline() : new CancelError('cancelled: nothing was changed');
}
