// Knative's living condition sets (knative.dev/pkg apis/condition_set.go): dependents feed the
// happy condition, the most recently changed False (then Unknown) dependent wins, conditions are
// stored sorted by type, and lastTransitionTime moves only when a condition really changes.
import type { Condition, ConditionStatus } from '../../core/knative-types.js';

/** A happy condition and the conditions it depends on. */
export interface ConditionSet {
  happy: string;
  dependents: string[];
}

/** Service: Ready <- ConfigurationsReady, RoutesReady. */
export const SERVICE_CONDITIONS: ConditionSet = { happy: 'Ready', dependents: ['ConfigurationsReady', 'RoutesReady'] };
/** Route: Ready <- AllTrafficAssigned, IngressReady, CertificateProvisioned. */
export const ROUTE_CONDITIONS: ConditionSet = {
  happy: 'Ready',
  dependents: ['AllTrafficAssigned', 'IngressReady', 'CertificateProvisioned'],
};
/** Configuration: Ready only. */
export const CONFIGURATION_CONDITIONS: ConditionSet = { happy: 'Ready', dependents: [] };
/** Revision: Ready <- ResourcesAvailable, ContainerHealthy (Active is informational). */
export const REVISION_CONDITIONS: ConditionSet = {
  happy: 'Ready',
  dependents: ['ResourcesAvailable', 'ContainerHealthy'],
};

interface Entry {
  c: Condition;
  /** Ordering key for "most recently changed": stored ones by time, fresh ones after all of them. */
  t: number;
}

const FRESH = 1e15;

/** Edits one object's conditions the way Knative's condition manager does. */
export class ConditionManager {
  private readonly entries = new Map<string, Entry>();
  private seq = 0;

  constructor(
    private readonly set: ConditionSet,
    private readonly original: Condition[] | undefined,
  ) {
    for (const c of original ?? [])
      this.entries.set(c.type, { c: { ...c }, t: Date.parse(c.lastTransitionTime ?? '') || 0 });
  }

  /** The current condition of `type`. */
  get(type: string): Condition | undefined {
    return this.entries.get(type)?.c;
  }

  /** Missing happy condition -> Unknown; missing dependents -> Unknown (or True when happy is True). */
  initialize(): void {
    if (!this.get(this.set.happy)) this.setCondition({ type: this.set.happy, status: 'Unknown' });
    const status: ConditionStatus = this.get(this.set.happy)!.status === 'True' ? 'True' : 'Unknown';
    for (const d of this.set.dependents) if (!this.get(d)) this.setCondition({ type: d, status });
  }

  markTrue(type: string, reason?: string, message?: string): void {
    this.setCondition({ type, status: 'True', reason, message });
    this.recomputeHappiness(type);
  }

  markFalse(type: string, reason: string, message: string): void {
    this.setCondition({ type, status: 'False', reason, message });
    if (this.isTerminal(type) && type !== this.set.happy)
      this.setCondition({ type: this.set.happy, status: 'False', reason, message });
  }

  markUnknown(type: string, reason: string, message: string): void {
    this.setCondition({ type, status: 'Unknown', reason, message });
    let isDependent = false;
    for (const d of this.set.dependents) {
      if (this.get(d)?.status === 'False') {
        // A failed dependent trumps Unknown; upstream then marks the happy condition with *this* reason.
        if (this.get(this.set.happy)?.status !== 'False')
          this.setCondition({ type: this.set.happy, status: 'False', reason, message });
        return;
      }
      if (d === type) isDependent = true;
    }
    if (isDependent) this.setCondition({ type: this.set.happy, status: 'Unknown', reason, message });
  }

  /** The conditions sorted by type, with lastTransitionTime kept where nothing changed. */
  result(now: string): Condition[] {
    const old = new Map((this.original ?? []).map((c) => [c.type, c]));
    return [...this.entries.values()]
      .map((e) => e.c)
      .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0))
      .map((c) => {
        const prev = old.get(c.type);
        const ltt = prev && sameCondition(prev, c) && prev.lastTransitionTime ? prev.lastTransitionTime : now;
        return render(c, ltt);
      });
  }

  private recomputeHappiness(type: string): void {
    const unhappy = this.findUnhappyDependent();
    if (unhappy)
      this.setCondition({
        type: this.set.happy,
        status: unhappy.status,
        reason: unhappy.reason,
        message: unhappy.message,
      });
    else if (type !== this.set.happy) this.setCondition({ type: this.set.happy, status: 'True' });
  }

  private findUnhappyDependent(): Condition | undefined {
    if (this.set.dependents.length === 0) return undefined;
    // Upstream considers every error-severity condition except the happy one, newest first.
    const list = [...this.entries.values()]
      .filter((e) => e.c.type !== this.set.happy && !e.c.severity)
      .sort((a, b) => b.t - a.t);
    const found = list.find((e) => e.c.status === 'False') ?? list.find((e) => e.c.status === 'Unknown');
    if (found) return found.c;
    if (this.set.dependents.length > list.length) return { type: '', status: 'Unknown' };
    return undefined;
  }

  private isTerminal(type: string): boolean {
    return type === this.set.happy || this.set.dependents.includes(type);
  }

  private setCondition(c: Condition): void {
    const next: Condition = { type: c.type, status: c.status };
    if (!this.isTerminal(c.type)) next.severity = 'Info';
    if (c.reason) next.reason = c.reason;
    if (c.message) next.message = c.message;
    const cur = this.entries.get(c.type);
    if (cur && sameCondition(cur.c, next)) return;
    this.entries.set(c.type, { c: next, t: FRESH + ++this.seq });
  }
}

function sameCondition(a: Condition, b: Condition): boolean {
  return (
    a.status === b.status &&
    (a.reason ?? '') === (b.reason ?? '') &&
    (a.message ?? '') === (b.message ?? '') &&
    (a.severity ?? '') === (b.severity ?? '')
  );
}

function render(c: Condition, ltt: string): Condition {
  // Field order as Knative serialises a condition.
  const out: Condition = { type: c.type, status: c.status };
  if (c.severity) out.severity = c.severity;
  out.lastTransitionTime = ltt;
  if (c.reason) out.reason = c.reason;
  if (c.message) out.message = c.message;
  return out;
}
