// The parts of bgctl's -o json documents the Action reads (docs/cli.md describes them whole).

export interface TrafficRow {
  revisionName?: string;
  tag?: string;
  percent?: number;
  latestRevision?: boolean;
  url?: string;
}

export interface RoleDoc {
  revisionName?: string;
  tag: string;
  url?: string;
}

export interface VerificationDoc {
  revisionName?: string;
  tag?: string;
  url?: string;
  verdict?: string;
  passed?: boolean;
  requests?: number;
  failed?: number;
  failures?: Array<{ reason: string; count: number }>;
  latency?: { p95Ms?: number };
  reasons?: string[];
}

export interface GateVerdictDoc {
  gate: string;
  revision?: string;
  value: number | null;
  threshold: number | null;
  verdict: string;
  message?: string;
}

export interface AnalysisWindowDoc {
  percent: number;
  candidate?: string;
  evaluations: number;
  verdict: string;
  gates: GateVerdictDoc[];
  failing: GateVerdictDoc[];
}

export interface RolloutResultDoc {
  kind: 'RolloutResult';
  service: string;
  namespace: string;
  outcome: string;
  phase: string;
  stable?: RoleDoc;
  candidate?: RoleDoc;
  previous?: RoleDoc;
  url?: string;
  traffic: TrafficRow[];
  verification: VerificationDoc[];
  analysis?: AnalysisWindowDoc[];
}

export interface ErrorDoc {
  kind: 'Error';
  reason: string;
  message: string;
  hint?: string;
  exitCode: number;
}

export interface ServiceStatusDoc {
  kind: 'ServiceStatus';
  traffic: TrafficRow[];
}

/** The one JSON document bgctl printed on stdout, if it is one. */
export function parseDocument(stdout: string): { kind?: string } | undefined {
  try {
    const doc: unknown = JSON.parse(stdout);
    return doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as { kind?: string }) : undefined;
  } catch {
    return undefined;
  }
}
