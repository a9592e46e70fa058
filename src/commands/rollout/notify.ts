// The rollout's --notify events, in the session's terms (the events themselves: ../notify-events.ts).
import type { NotifyEventName } from '../../core/notify-event.js';
import type { KnativeService } from '../../core/knative-types.js';
import type { RolloutState } from '../../core/state.js';
import { sendEvent } from '../notify-events.js';
import type { Session } from './session.js';

/** Sends `event` for `svc` (as a step left it) to the run's --notify URLs; a no-op without them. */
export function notify(
  s: Session,
  event: NotifyEventName,
  svc: KnativeService,
  state: RolloutState | undefined,
  reason?: string,
): void {
  sendEvent(s.ctx, s.opts.notify, event, svc, state, reason);
}
