// The flags every writing verb shares. The dry-run mode comes only with `=` (kubectl's form): an optional value would
// take the next word (`--dry-run hello`); program.ts turns `--dry-run=MODE` into the hidden --dry-run-mode.
import { Option, type Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { GITOPS_MODES, type GitOpsMode } from '../core/gitops.js';
import { parseDuration } from '../core/parse.js';
import { parseNotifyFlags, type NotifySettings } from './notify-flags.js';
import type { Env, FlagValues } from './verb.js';
import { quoteInput } from '../core/quote.js';

export interface WriteFlags {
  dryRun?: 'client' | 'server';
  yes?: boolean;
  wait: boolean;
  /** --timeout as typed, e.g. "5m" (already checked). */
  timeout: string;
  /** A Service Argo CD, Flux or a Flagger canary also manages: warn and go on (unset: warn), or refuse (exit 5). */
  gitops?: GitOpsMode;
  /** --render (the Service manifest with the change) or --render-patch (the patch): print it, write nothing. */
  render?: 'manifest' | 'patch';
  /** Where the step verbs POST the phase change a written step made (--notify, BGCTL_NOTIFY_URL). */
  notify?: NotifySettings;
}

/** True when the step only shows what it would do: a dry run or a render. */
export function writesNothing(flags: WriteFlags): boolean {
  return flags.dryRun !== undefined || flags.render !== undefined;
}

export function addWriteFlags(cmd: Command): void {
  cmd
    .option('--dry-run', 'print the plan and change nothing (--dry-run=server: also send the patch with dryRun=All)')
    .addOption(new Option('--dry-run-mode <mode>').hideHelp())
    .option('-y, --yes', 'apply without asking (required when not on a terminal)')
    .option('--wait', 'wait until the service is Ready and the traffic matches (the default)')
    .option('--no-wait', 'return right after the write')
    .option('--timeout <duration>', 'how long to wait for readiness, at most 168h (0: check once, do not wait)', '5m')
    .option(
      '--gitops <mode>',
      'a service Argo CD, Flux or a Flagger canary also manages: warn (the default) or refuse (exit 5)',
    )
    .option(
      '--render',
      'print the Service manifest with the planned change, to commit to Git (YAML, or JSON); write nothing',
    )
    .option('--render-patch', 'print only the JSON patch bgctl would send; write nothing');
}

/** The write flags, checked before any request. */
export function parseWriteFlags(flags: FlagValues): WriteFlags {
  const mode = flags.string('dryRunMode') ?? (flags.given('dryRun') ? 'client' : undefined);
  if (mode !== undefined && mode !== 'client' && mode !== 'server') {
    throw new UsageError(
      `invalid value ${quoteInput(mode)} for --dry-run: use --dry-run, --dry-run=client or --dry-run=server`,
      {
        reason: 'InvalidDryRun',
      },
    );
  }
  const timeout = flags.string('timeout') ?? '5m';
  parseDuration(timeout, '--timeout');
  const out: WriteFlags = { yes: flags.given('yes'), wait: flags.enabled('wait'), timeout };
  if (mode) out.dryRun = mode;
  const gitops = flags.string('gitops');
  if (gitops !== undefined) out.gitops = parseGitOps(gitops);
  const render = flags.given('render');
  const patch = flags.given('renderPatch');
  if (render && patch)
    throw new UsageError('pass either --render or --render-patch, not both', { reason: 'ConflictingFlags' });
  if ((render || patch) && mode) {
    throw new UsageError(`--${render ? 'render' : 'render-patch'} writes nothing already: drop --dry-run`, {
      reason: 'ConflictingFlags',
    });
  }
  if (render) out.render = 'manifest';
  else if (patch) out.render = 'patch';
  return out;
}

/** The write flags of a step verb that notifies (Verb.notifies): the write flags and --notify. */
export function parseStepWriteFlags(flags: FlagValues, env: Env): WriteFlags {
  const out = parseWriteFlags(flags);
  const notify = parseNotifyFlags(flags, env);
  if (notify) out.notify = notify;
  return out;
}

function parseGitOps(v: string): GitOpsMode {
  if ((GITOPS_MODES as readonly string[]).includes(v)) return v as GitOpsMode;
  throw new UsageError(`invalid value ${quoteInput(v)} for --gitops: use ${GITOPS_MODES.join(' or ')}`, {
    reason: 'InvalidGitOps',
  });
}
