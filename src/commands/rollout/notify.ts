// The rollout's --notify events: one per phase change, sent in the background by src/notify; flushed (bounded)
// when the command ends, so a short run does not exit before its last event left.
import type { NotifyEventName } from '../../core/notify-event.js';
import { rolloutEvent } from '../../core/notify-event.js';
import type { KnativeService } from '../../core/knative-types.js';
import type { RolloutState } from '../../core/state.js';
import { Notifier, type NotifyFormat } from '../../notify/notifier.js';
import { actorOf } from '../traffic-step/engine.js';
import { userAgent } from '../../kube/user-agent.js';
import type { Session } from './session.js';

/** --notify URLs (also BGCTL_NOTIFY_URL) and their format, as parsed. */
export interface NotifySettings {
  urls: string[];
  format: NotifyFormat;
}

const notifiers = new Map<NotifySettings, Notifier>();

/** Sends `event` for `svc` (as a step left it) to the run's --notify URLs; a no-op without them. */
export function notify(
  s: Session,
  event: NotifyEventName,
  svc: KnativeService,
  state: RolloutState | undefined,
  reason?: string,
): void {
  const settings = s.opts.notify;
  if (!settings) return;
  let n = notifiers.get(settings);
  if (!n) {
    n = new Notifier({ ...settings, io: s.ctx.io, userAgent: userAgent() });
    notifiers.set(settings, n);
  }
  const at = s.ctx.now().toISOString();
  n.send(rolloutEvent(event, svc, state, { actor: actorOf(s.ctx.io.env), at, ...(reason && { reason }) }));
}

/** Waits (bounded) for the events still being delivered; after a cancel only briefly (the user wants out). */
export async function flushNotifications(cancelled = false): Promise<void> {
  const all = [...notifiers.values()];
  notifiers.clear();
  await Promise.all(all.map((n) => n.flush(cancelled ? 1000 : undefined)));
}
