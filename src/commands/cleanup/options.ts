// bgctl cleanup [SERVICE] [--delete-revisions] [--force]
import type { WriteFlags } from '../write-flags.js';
import { defineVerb } from '../verb.js';
import { parseWriteFlags } from '../write-flags.js';
import { SERVICE_ARG } from '../options-common.js';

export interface CleanupOptions {
  service?: string;
  deleteRevisions: boolean;
  force: boolean;
  write: WriteFlags;
}

export const cleanupVerb = defineVerb<CleanupOptions>({
  name: 'cleanup',
  summary: 'drop untagged 0% targets and retired tags; optionally delete unrouted revisions',
  description:
    'Removes traffic targets that serve nothing and that bgctl no longer needs: untagged 0% targets and the tags ' +
    'of finished rollouts. The last rollback target (the old revision kept by promote) stays unless --force. ' +
    'With --delete-revisions, revisions nothing routes to are deleted too, except those marked to be kept.',
  args: SERVICE_ARG,
  writes: true,
  examples: ['bgctl cleanup hello --dry-run', 'bgctl cleanup hello --delete-revisions --yes'],
  flags: (cmd) =>
    cmd
      .option('--delete-revisions', 'also delete revisions that no longer receive traffic (keeps no-gc ones)')
      .option('--force', 'also remove the last rollback target (the old revision kept by promote)'),
  parse: ({ arg, flags }) => ({
    service: arg,
    deleteRevisions: flags.given('deleteRevisions'),
    force: flags.given('force'),
    write: parseWriteFlags(flags),
  }),
  load: () => import('./run.js'),
});
