// Read, plan, write with a resourceVersion precondition; on 409 read and plan again. A stale plan is never sent,
// so a write never loses someone else's change (the plan may refuse with ConflictError).

import { ConflictError } from '../core/errors.js';
import type { KnativeService } from '../core/knative-types.js';
import type { JsonPatchOp } from '../core/patch.js';
import type { KnativeClient, PatchOptions } from './client.js';
import { isStaleWrite } from './errors.js';
import { backoffDelay, defaultRetryPolicy, type RetryPolicy } from './retry.js';

/** What a plan callback returns: the ops to apply to `fresh`, or 'noop' when nothing needs to change. */
export type UpdatePlan = (fresh: KnativeService) => { ops: JsonPatchOp[] } | 'noop';

export interface UpdateResult {
  /** The object the server returned (or the fresh object for a noop). */
  service: KnativeService;
  noop: boolean;
  /** How many plan/patch rounds it took (1 without conflicts). */
  attempts: number;
  /** The ops that were finally sent (without the precondition). */
  ops: JsonPatchOp[];
}

/** Options for updateWithRetry: conflict rounds and backoff (sleep/random injectable for tests). */
export interface UpdateOptions extends PatchOptions {
  /** Plan/patch rounds before giving up with ConflictError (default 5). */
  maxAttempts?: number;
  retry?: Partial<RetryPolicy>;
  onConflict?: (attempt: number) => void;
  /** The service as just read: the first round plans on it (safe: a stale one gets 409, then a fresh read). */
  initial?: KnativeService;
}

/** The JSON-patch precondition: a replace (not a test) so a race comes back as 409, not 422. */
export function resourceVersionPrecondition(resourceVersion: string): JsonPatchOp {
  return { op: 'replace', path: '/metadata/resourceVersion', value: resourceVersion };
}

/** Applies `plan` with optimistic concurrency: on 409 re-reads and re-plans, then ConflictError (exit 5). */
export async function updateWithRetry(
  client: KnativeClient,
  name: string,
  plan: UpdatePlan,
  opts: UpdateOptions = {},
): Promise<UpdateResult> {
  const maxAttempts = opts.maxAttempts ?? 5;
  const policy = defaultRetryPolicy(opts.retry);
  for (let attempt = 1; ; attempt++) {
    const fresh = attempt === 1 && opts.initial ? opts.initial : await client.getService(name);
    // The plan gets its own copy, so it cannot corrupt what we compare against.
    const decision = plan(structuredClone(fresh));
    if (decision === 'noop' || decision.ops.every((op) => op.path === '/metadata/resourceVersion'))
      return { service: fresh, noop: true, attempts: attempt, ops: [] };
    const rv = fresh.metadata.resourceVersion;
    if (!rv) throw new ConflictError(`service "${name}" has no resourceVersion; cannot update it safely`);
    // The guard always comes from the object just read; a plan's own guard (core/patch.ts adds one) is replaced.
    const body = decision.ops.filter((op) => op.path !== '/metadata/resourceVersion');
    try {
      const service = await client.patchService(name, [resourceVersionPrecondition(rv), ...body], {
        dryRun: opts.dryRun,
        fieldManager: opts.fieldManager,
      });
      return { service, noop: false, attempts: attempt, ops: body };
    } catch (err) {
      if (!isStaleWrite(err)) throw err;
      if (attempt >= maxAttempts) {
        throw new ConflictError(
          `service "${name}" kept changing while bgctl tried to update it (${attempt} attempts)`,
          {
            reason: 'Conflict',
            hint:
              'another client or controller is writing the service; ' +
              'look at `bgctl status` and run the command again',
          },
        );
      }
      opts.onConflict?.(attempt);
      await policy.sleep(backoffDelay(attempt - 1, policy), policy.signal);
    }
  }
}
