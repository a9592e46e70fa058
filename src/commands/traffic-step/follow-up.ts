// Writes that follow a step's commit point. The Service patch (traffic and the rollout record in one
// write) is what a step means; the revision annotations that come after it are bgctl's bookkeeping.
// They are retried on their own, and when they still fail the step says plainly that the traffic
// change happened and what was not recorded. The next bgctl command on the service plans the same
// bookkeeping again (core/rollback-target.ts) and so repairs it.
import { BgctlError, IncompleteError } from '../../core/errors.js';
import { KnativeLabels, type Revision } from '../../core/knative-types.js';
import { buildRevisionPatch } from '../../core/patch.js';
import type { RevisionAnnotationChange } from '../../core/plan-types.js';
import { ROLLBACK_TAG_ANNOTATION } from '../../core/rollback-target.js';
import type { KnativeClient } from '../../kube/client.js';
import { isStaleWrite } from '../../kube/errors.js';
import { backoffDelay, defaultRetryPolicy } from '../../kube/retry.js';

const ATTEMPTS = 4;

/** One follow-up write that did not happen. */
export interface MissedWrite {
  what: string;
  error: BgctlError;
}

/** "set serving.knative.dev/no-gc on hello-00001" / "remove … from …". */
export function describeChange(c: RevisionAnnotationChange): string {
  const keys = Object.keys(c.annotations).filter((k) => k !== ROLLBACK_TAG_ANNOTATION);
  const shown = keys.length ? keys : Object.keys(c.annotations);
  const sets = shown.filter((k) => c.annotations[k] !== null);
  const parts = [
    ...(sets.length ? [`set ${sets.join(', ')}`] : []),
    ...(sets.length < shown.length ? [`remove ${shown.filter((k) => c.annotations[k] === null).join(', ')}`] : []),
  ];
  return `${parts.join(' and ')} on revision ${c.revision}`;
}

function alreadyApplied(rev: Revision, c: RevisionAnnotationChange): boolean {
  const ann = rev.metadata.annotations ?? {};
  return Object.entries(c.annotations).every(([k, v]) => (v === null ? !(k in ann) : ann[k] === v));
}

/** Applies each change, retrying a conflicting one on a fresh read; returns what was patched and what was missed. */
export async function applyRevisionChanges(
  client: KnativeClient,
  changes: RevisionAnnotationChange[],
  signal: AbortSignal,
): Promise<{ patched: Map<string, Revision>; missed: MissedWrite[] }> {
  const policy = defaultRetryPolicy({ signal });
  const patched = new Map<string, Revision>();
  const missed: MissedWrite[] = [];
  for (const change of changes) {
    for (let attempt = 1; ; attempt++) {
      try {
        patched.set(change.revision, await client.mergePatchRevision(change.revision, buildRevisionPatch(change)));
        break;
      } catch (err) {
        const e = err as BgctlError;
        if (!isStaleWrite(err) || attempt >= ATTEMPTS) {
          if (signal.aborted) throw err;
          missed.push({ what: describeChange(change), error: e });
          break;
        }
        await policy.sleep(backoffDelay(attempt - 1, policy), signal);
        const fresh = await client.getRevision(change.revision).catch(() => undefined);
        if (fresh && alreadyApplied(fresh, change)) {
          patched.set(change.revision, fresh);
          break;
        }
      }
    }
  }
  return { patched, missed };
}

/** The error of a step whose traffic change was written but whose bookkeeping was not. */
export function incompleteError(service: string, kind: string, missed: MissedWrite[]): IncompleteError {
  const list = missed
    .map(
      (m) =>
        `${m.what} (${isStaleWrite(m.error) ? `the server answered 409 Conflict ${ATTEMPTS} times` : m.error.message})`,
    )
    .join('; ');
  const noGc = missed.some((m) => m.what.includes(KnativeLabels.noGc));
  return new IncompleteError(
    `the ${kind} of service "${service}" happened ` +
      `(its change to the service's traffic and rollout record stands), but bgctl could not ${list}`,
    {
      hint:
        (noGc
          ? 'the rollback target may lack its garbage-collection protection, or a revision keeps it for nothing; '
          : '') + `the next bgctl command on ${service} repairs it, e.g. bgctl cleanup ${service} --yes`,
    },
  );
}
