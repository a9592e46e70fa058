// The --notify events of a run (rollout or a step verb): sent in the background by src/notify, one Notifier per
// settings; flushed (bounded) when the verb ends, so a short run does not exit before its last event left.
import { rolloutEvent, type NotifyEventName } from '../core/notify-event.js';
import type { KnativeService } from '../core/knative-types.js';
import { isInProgress, type RolloutState } from '../core/state.js';
import { Notifier } from '../notify/notifier.js';
import { userAgent } from '../kube/user-agent.js';
import type { CommandContext } from './context.js';
import type { NotifySettings } from './notify-flags.js';
import { actorOf } from './traffic-step/engine.js';

const notifiers = new Map<NotifySettings, Notifier>();

/** Sends `event` for `svc` (as a step left it) to the --notify URLs; a no-op without them. */
export function sendEvent(
  ctx: CommandContext,
  settings: NotifySettings | undefined,
  event: NotifyEventName,
  svc: KnativeService,
  state: RolloutState | undefined,
  reason?: string,
): void {
  if (!settings) return;
  let n = notifiers.get(settings);
  if (!n) {
    n = new Notifier({ ...settings, io: ctx.io, userAgent: userAgent() });
    notifiers.set(settings, n);
  }
  const at = ctx.now().toISOString();
  n.send(rolloutEvent(event, svc, state, { actor: actorOf(ctx.io.env), at, ...(reason && { reason }) }));
}

/**
 * The events of a written step: its new phase (or traffic level), preceded by `started` when the step opened a
 * rollout; nothing when the rollout record did not move (`before` is the record the step was planned on).
 */
export function announcePhase(
  ctx: CommandContext,
  settings: NotifySettings | undefined,
  before: RolloutState | undefined,
  svc: KnativeService,
  after: RolloutState | undefined,
): void {
  if (!settings || !after) return;
  if (before?.id === after.id && before.phase === after.phase && before.percent === after.percent) return;
  if (before?.id !== after.id && isInProgress(after.phase)) sendEvent(ctx, settings, 'started', svc, after);
  sendEvent(ctx, settings, after.phase, svc, after);
}

/** Waits (bounded) for the events still being delivered; after a cancel only briefly (the user wants out). */
export async function flushNotifications(cancelled = false): Promise<void> {
  const all = [...notifiers.values()];
  notifiers.clear();
  await Promise.all(all.map((n) => n.flush(cancelled ? 1000 : undefined)));
}
