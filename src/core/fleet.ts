// Fleet rollouts, the pure parts: the --context list, the targets in their order, the waves, the fleet id and how a
// fleet's results become one exit code. No I/O: src/commands/fleet does the reading and the rollouts.
import { UsageError } from './errors.js';
import { quoteInput } from './quote.js';

/** One service in one context: what a fleet rolls out to (and what `status` shows a line of). */
export interface FleetTarget {
  /** The kubeconfig context as resolved (the current context's name when --context was not given). */
  readonly context: string;
  readonly namespace: string;
  readonly service: string;
}

/** `context/namespace/service`: how a target is named in progress lines and errors. */
export function targetLabel(t: FleetTarget): string {
  return `${t.context}/${t.namespace}/${t.service}`;
}

/** `--context a,b,c`: the names in order, each once; an empty name is a usage error. */
export function parseContextList(raw: string): string[] {
  const names = raw.split(',').map((n) => n.trim());
  if (names.some((n) => n === ''))
    throw new UsageError(`invalid --context ${quoteInput(raw)}: a comma list of context names, none empty`, {
      reason: 'InvalidContextList',
      hint: 'e.g. --context prod-eu,prod-us',
    });
  return [...new Set(names)];
}

/** `-l/--selector`: sent to the API server as labelSelector, which validates it; here only its outer shape. */
export function parseSelector(raw: string): string {
  const s = raw.trim();
  // eslint-disable-next-line no-control-regex
  if (s === '' || s.length > 1024 || /[\u0000-\u001f\u007f]/.test(s))
    throw new UsageError(
      `invalid --selector ${quoteInput(raw)}: a label selector, e.g. app=shop or tier in (web,api)`,
      {
        reason: 'InvalidSelector',
      },
    );
  return s;
}

/** Targets ordered by the context order given, then namespace, then service name (stable across runs). */
export function orderTargets(targets: readonly FleetTarget[], contexts: readonly string[]): FleetTarget[] {
  const rank = (c: string) => {
    const i = contexts.indexOf(c);
    return i < 0 ? contexts.length : i;
  };
  return [...targets].sort(
    (a, b) =>
      rank(a.context) - rank(b.context) || a.namespace.localeCompare(b.namespace) || a.service.localeCompare(b.service),
  );
}

/** The first wave (the first context's targets, or the first `firstWave` targets) and the rest, in order. */
export function planWaves<T extends FleetTarget>(ordered: readonly T[], firstWave?: number): { first: T[]; rest: T[] } {
  const n = firstWave ?? ordered.filter((t) => t.context === ordered[0]?.context).length;
  return { first: ordered.slice(0, n), rest: ordered.slice(n) };
}

const FLEET_ID = /^fleet-[0-9]{14}-[0-9a-f]{4,16}$/;

/** A fleet id from the caller's clock string and random hex (core has neither): sortable by time. */
export function newFleetId(now: string, randomHex: string): string {
  const stamp = (now.replace(/[^0-9]/g, '') + '00000000000000').slice(0, 14);
  return `fleet-${stamp}-${randomHex
    .toLowerCase()
    .replace(/[^0-9a-f]/g, '')
    .slice(0, 16)
    .padEnd(4, '0')}`;
}

/** Whether `v` has the shape newFleetId makes (checked when a rollout record is read). */
export function isFleetId(v: unknown): v is string {
  return typeof v === 'string' && FLEET_ID.test(v);
}

/** The most recent fleet id among records: the one whose latest start is last (ids order by time too). */
export function latestFleet(records: readonly { fleet?: string; startedAt: string }[]): string | undefined {
  let best: { fleet: string; at: string } | undefined;
  for (const r of records) {
    if (!r.fleet) continue;
    const later = !best || r.startedAt > best.at || (r.startedAt === best.at && r.fleet > best.fleet);
    if (later) best = { fleet: r.fleet, at: r.startedAt };
  }
  return best?.fleet;
}

/** How one target ended in a fleet run. */
export type TargetOutcome =
  'promoted' | 'paused' | 'failed' | 'aborted' | 'cancelled' | 'not-started' | 'skipped' | 'unchanged';

/** The fleet's outcome and exit code: a failed check 3, another failure 1, else a context missed 4, paused 8. */
export function fleetVerdict(
  results: readonly { outcome: TargetOutcome; exitCode?: number }[],
  unreachable: number,
): { outcome: 'completed' | 'failed' | 'paused' | 'cancelled'; exitCode: 0 | 1 | 3 | 4 | 8 | 130 } {
  const failed = results.filter((r) => r.outcome === 'failed');
  if (failed.length > 0) return { outcome: 'failed', exitCode: failed.some((r) => r.exitCode === 3) ? 3 : 1 };
  if (results.some((r) => r.outcome === 'cancelled')) return { outcome: 'cancelled', exitCode: 130 };
  if (unreachable > 0) return { outcome: 'failed', exitCode: 4 };
  if (results.some((r) => r.outcome === 'paused')) return { outcome: 'paused', exitCode: 8 };
  return { outcome: 'completed', exitCode: 0 };
}
