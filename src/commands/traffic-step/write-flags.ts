// The write flags every traffic step shares (--dry-run, --yes, --wait/--no-wait, --timeout).
import { UsageError } from '../../core/errors.js';
import { parseDuration } from '../../core/parse.js';

/** The write flags every traffic-moving verb shares (added by catalog.ts). */
export interface WriteFlags {
  dryRun?: 'client' | 'server';
  yes?: boolean;
  wait: boolean;
  /** --timeout as typed, e.g. "5m". */
  timeout: string;
}

/** --dry-run, --yes, --wait/--no-wait, --timeout from commander's options, validated before any request. */
export function writeFlags(opts: Record<string, any>): WriteFlags {
  const dry = opts.dryRun === true ? 'client' : opts.dryRun;
  if (dry !== undefined && dry !== 'client' && dry !== 'server') {
    throw new UsageError(`invalid value "${dry}" for --dry-run: use --dry-run or --dry-run=server`, { reason: 'InvalidDryRun' });
  }
  const timeout = typeof opts.timeout === 'string' ? opts.timeout : '5m';
  parseDuration(timeout, '--timeout');
  return { dryRun: dry, yes: opts.yes === true, wait: opts.wait !== false, timeout };
}
