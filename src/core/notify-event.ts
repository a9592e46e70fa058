// The events a rollout sends to --notify URLs (docs/notifications.md): one per phase change, as JSON of our own
// shape or as a Slack-compatible message. Pure: the caller supplies the clock, the actor and the service.
import type { KnativeService } from './knative-types.js';
import type { RolloutState } from './state.js';
import { tagUrl, trafficRows } from './views/rows.js';

export const NOTIFY_EVENTS = [
  'started',
  'deployed',
  'staged',
  'verified',
  'split',
  'gate-failed',
  'promoted',
  'rolled-back',
  'aborted',
  'paused',
] as const;
export type NotifyEventName = (typeof NOTIFY_EVENTS)[number];

export interface RolloutEvent {
  apiVersion: 'bgctl.dev/v1';
  kind: 'RolloutEvent';
  event: NotifyEventName;
  service: string;
  namespace?: string;
  rolloutId?: string;
  phase?: string;
  percent?: number;
  stable?: { revisionName: string; tag: string; url?: string };
  candidate?: { revisionName?: string; tag: string; url?: string };
  traffic: { revisionName?: string; tag?: string; percent: number }[];
  url?: string;
  actor: string;
  reason?: string;
  at: string;
}

/** The event for `svc` as a step left it (its rollout record says where the rollout stands). */
export function rolloutEvent(
  event: NotifyEventName,
  svc: KnativeService,
  state: RolloutState | undefined,
  ctx: { actor: string; at: string; reason?: string },
): RolloutEvent {
  const url = (tag: string) => tagUrl(svc, tag);
  return {
    apiVersion: 'bgctl.dev/v1',
    kind: 'RolloutEvent',
    event,
    service: svc.metadata.name,
    ...(svc.metadata.namespace && { namespace: svc.metadata.namespace }),
    ...(state && {
      rolloutId: state.id,
      phase: state.phase,
      percent: state.percent,
      stable: { revisionName: state.stable.revision, tag: state.stable.tag, ...withUrl(url(state.stable.tag)) },
      candidate: {
        ...(state.candidate.revision && { revisionName: state.candidate.revision }),
        tag: state.candidate.tag,
        ...withUrl(url(state.candidate.tag)),
      },
    }),
    traffic: trafficRows(svc).map((t) => ({
      ...(t.revisionName && { revisionName: t.revisionName }),
      ...(t.tag && { tag: t.tag }),
      percent: t.percent,
    })),
    ...(svc.status?.url && { url: svc.status.url }),
    actor: ctx.actor,
    ...withReason(ctx.reason ?? (isSetback(event) ? state?.reason : undefined)),
    at: ctx.at,
  };
}

const withUrl = (u: string | undefined) => (u ? { url: u } : {});
const withReason = (r: string | undefined) => (r ? { reason: r } : {});
const isSetback = (e: NotifyEventName) => e === 'gate-failed' || e === 'rolled-back' || e === 'aborted';

const HEADLINES: Record<NotifyEventName, (e: RolloutEvent) => string> = {
  started: (e) => `rollout ${e.rolloutId ?? ''} of ${e.service} started`,
  deployed: (e) => `${e.candidate?.revisionName ?? 'a new revision'} of ${e.service} deployed at 0%`,
  staged: (e) => `${e.candidate?.revisionName} of ${e.service} staged at 0% under tag ${e.candidate?.tag}`,
  verified: (e) => `${e.candidate?.revisionName} of ${e.service} passed its checks`,
  split: (e) => `${e.percent}% of ${e.service} now goes to ${e.candidate?.revisionName}`,
  'gate-failed': (e) => `metric gates failed for ${e.candidate?.revisionName} of ${e.service}`,
  promoted: (e) => `${e.candidate?.revisionName} of ${e.service} promoted to 100%`,
  'rolled-back': (e) => `${e.service} rolled back to ${e.stable?.revisionName}`,
  aborted: (e) => `rollout of ${e.service} aborted; traffic on ${e.stable?.revisionName}`,
  paused: (e) => `rollout of ${e.service} paused at phase ${e.phase}`,
};

/** Slack's incoming-webhook shape: `text` (also the notification preview) and `blocks`. */
export function slackMessage(e: RolloutEvent) {
  const text = `bgctl: ${HEADLINES[e.event](e)}${e.reason ? ` (${e.reason})` : ''}`;
  const ns = e.namespace ? ` in ${e.namespace}` : '';
  const fields = [
    `*Service:* ${e.service}${ns}`,
    `*Phase:* ${e.phase ?? '-'}`,
    `*Traffic:* ${e.traffic.map((t) => `${t.revisionName ?? t.tag ?? '?'} ${t.percent}%`).join(', ') || '-'}`,
    `*By:* ${e.actor}`,
  ];
  const links = [e.url, e.candidate?.url].filter((u): u is string => !!u);
  const headline = slackText(text, SLACK_TEXT_MAX);
  return {
    text: headline,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: headline } },
      { type: 'section', fields: fields.map((f) => ({ type: 'mrkdwn', text: slackText(f, SLACK_FIELD_MAX) })) },
      ...(links.length
        ? [{ type: 'context', elements: links.map((u) => ({ type: 'mrkdwn', text: slackText(u, SLACK_TEXT_MAX) })) }]
        : []),
    ],
  };
}

// Block Kit refuses the whole message (invalid_blocks) when one text is longer: a long reason (a revision's failure
// message) would lose exactly the event that matters.
const SLACK_TEXT_MAX = 3000;
const SLACK_FIELD_MAX = 2000;

/** Escaped, and cut to `max` characters with `…` (never inside an entity such as `&amp;`). */
function slackText(s: string, max: number): string {
  const escaped = slackEscape(s);
  if (escaped.length <= max) return escaped;
  return escaped.slice(0, max - 1).replace(/&[a-z]*$/, '') + '…';
}

/** Slack's three control characters; cluster strings never become links or mentions. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
