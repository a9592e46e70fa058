// The flags every writing verb shares. The dry-run mode comes only with `=` (kubectl's form): an optional value would
// take the next word (`--dry-run hello`); program.ts turns `--dry-run=MODE` into the hidden --dry-run-mode.
import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { parseDuration } from '../core/parse.js';
import type { FlagValues } from './verb.js';

export interface WriteFlags {
  dryRun?: 'client' | 'server';
  yes?: boolean;
  wait: boolean;
  /** --timeout as typed, e.g. "5m" (already checked). */
  timeout: string;
}

export function addWriteFlags(cmd: Command): void {
  cmd
    .option('--dry-run', 'print the plan and change nothing (--dry-run=server: also send the patch with dryRun=All)')
    .addOption(new Option('--dry-run-mode <mode>').hideHelp())
    .option('-y, --yes', 'apply without asking (required when not on a terminal)')
    .option('--wait', 'wait until the service is Ready and the traffic matches (the default)')
    .option('--no-wait', 'return right after the write')
    .option('--timeout <duration>', 'how long to wait for readiness, at most 168h (0: check once, do not wait)', '5m');
}

/** The write flags, checked before any request. */
export function parseWriteFlags(flags: FlagValues): WriteFlags {
  const mode = flags.string('dryRunMode') ?? (flags.given('dryRun') ? 'client' : undefined);
  if (mode !== undefined && mode !== 'client' && mode !== 'server') {
    throw new UsageError(`invalid value "${mode}" for --dry-run: use --dry-run, --dry-run=client or --dry-run=server`, {
      reason: 'InvalidDryRun',
    });
  }
  const timeout = flags.string('timeout') ?? '5m';
  parseDuration(timeout, '--timeout');
  const out: WriteFlags = { yes: flags.given('yes'), wait: flags.enabled('wait'), timeout };
  if (mode) out.dryRun = mode;
  return out;
}
