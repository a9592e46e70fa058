// The step's wait: watch the Service until Knative carried the plan out, then check bgctl's own targets survived.
import { ConflictError, FailedError } from '../../core/errors.js';
import { condition, type KnativeService } from '../../core/knative-types.js';
import type { Plan } from '../../core/plan-types.js';
import { describeWriter, trafficWriter } from '../../core/drift.js';
import { planStillHolds, statusMatches } from '../../core/status-match.js';
import { revisionReady } from '../../core/traffic.js';
import type { KnativeClient } from '../../kube/client.js';
import { startProgress } from '../../ui/progress.js';
import type { CommandContext } from '../context.js';

/** True once a template change produced a new Ready revision (traffic cannot tell: a pinned deploy leaves it as is). */
export function newRevisionReady(svc: KnativeService, previous: string | undefined): boolean {
  const created = svc.status?.latestCreatedRevisionName;
  if (!created || created === previous) return false;
  return svc.status?.latestReadyRevisionName === created && condition(svc, 'ConfigurationsReady')?.status !== 'False';
}

/** Waits by watch until Knative carried the plan out (progress on stderr); a failed revision reports its own reason. */
export async function waitForStep(
  ctx: CommandContext,
  client: KnativeClient,
  name: string,
  p: Plan,
  planned: KnativeService,
  written: KnativeService,
  timeoutMs: number,
): Promise<KnativeService> {
  const { waitForService } = await import('../../kube/wait.js');
  const desired = p.desired;
  const previous = planned.status?.latestCreatedRevisionName;
  const deploy = p.template !== undefined;
  const progress = await startProgress(
    ctx.io,
    deploy ? `Waiting for the new revision of ${name} to become ready` : `Waiting for ${name} to route the new traffic`,
  );
  try {
    const svc = await waitForService(client, name, {
      timeoutMs,
      from: written,
      // Routed as the live spec says: a foreign edit after bgctl's write (a 0% tag) must not make the
      // wait run into --timeout; whether bgctl's own targets survived is checked once it returns.
      predicate: deploy
        ? (s) => newRevisionReady(s, previous) && statusMatches(s, s.spec.traffic ?? desired)
        : (s) => statusMatches(s, s.spec.traffic ?? desired),
      predicateLabel: deploy ? 'the new revision to become ready' : 'the new traffic split to be routed',
      // A traffic move among ready revisions (e.g. a rollback after a failed deploy) is carried out
      // by the Route even while a failed latest revision keeps ConfigurationsReady False.
      trafficOnly: deploy ? undefined : { revisions: desired.flatMap((t) => (t.revisionName ? [t.revisionName] : [])) },
      signal: ctx.signal,
      onProgress: (pr) => progress.update(pr.message),
    });
    const st = p.state;
    const ownTags = new Set(st ? [st.stable.tag, st.candidate.tag, ...(st.previousTag ? [st.previousTag] : [])] : []);
    if (!planStillHolds(svc.spec.traffic, desired, ownTags)) {
      throw new ConflictError(
        `traffic of service "${name}" was changed ${describeWriter(trafficWriter(svc))} right after bgctl's write`,
        {
          reason: 'TrafficChanged',
          hint: `bgctl status ${name} shows the traffic now; run the command again if it still applies`,
        },
      );
    }
    const notReady = condition(svc, 'Ready')?.status === 'False' ? condition(svc, 'ConfigurationsReady') : undefined;
    if (notReady)
      progress.warn(
        `Traffic of ${name} is routed as planned, but the service is not Ready: ` +
          (notReady.message ?? notReady.reason ?? ''),
      );
    else
      progress.succeed(
        deploy
          ? `Revision ${svc.status?.latestCreatedRevisionName} is ready`
          : `Traffic of ${name} is routed as planned`,
      );
    return svc;
  } catch (err) {
    progress.fail();
    if (err instanceof FailedError && deploy) throw await revisionFailure(client, name, previous, err);
    throw err;
  }
}

/** Replaces "service not ready: RevisionFailed" by the failed revision's reason (e.g. ContainerMissing) and message. */
async function revisionFailure(
  client: KnativeClient,
  name: string,
  previous: string | undefined,
  err: FailedError,
): Promise<FailedError> {
  try {
    const svc = await client.getService(name);
    const created = svc.status?.latestCreatedRevisionName;
    if (!created || created === previous) return err;
    const ready = revisionReady(await client.getRevision(created));
    if (ready.status !== 'False') return err;
    const serving = (svc.status?.traffic ?? [])
      .filter((t) => (t.percent ?? 0) > 0)
      .map((t) => `${t.revisionName} ${t.percent}%`)
      .join(', ');
    return new FailedError(
      `revision "${created}" of service "${name}" failed: ${[ready.reason, ready.message].filter(Boolean).join(': ')}`,
      {
        reason: ready.reason || err.reason,
        hint:
          `traffic is unchanged${serving ? ` (${serving})` : ''}; close the rollout with bgctl rollback ${name}, ` +
          'or deploy a fixed template with --take-over',
        cause: err,
      },
    );
  } catch {
    return err;
  }
}
