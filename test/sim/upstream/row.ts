// One row of the upstream-behaviour table: a behaviour of Knative Serving (or kube-apiserver) as its
// source at a given commit defines it, the request that triggers it, and the exact answer. The rows
// live in `*.rows.ts` files beside this one; a runner sends each row's request to the playground
// through the real kubectl and client-node and compares byte for byte.

/** Where upstream defines the behaviour: repository, file path, function or type, the commit read. */
export interface UpstreamSource {
  repo: 'knative/serving' | 'knative/pkg' | 'knative/networking' | 'kubernetes/kubernetes';
  path: string;
  symbol: string;
  commit: string;
}

/** The commits the rows were checked against (HEAD when read). */
export const COMMITS = {
  serving: '98e5ef90aa7033797aa0a61ef97f3ff7e49a3944',
  pkg: '521cb33b33ddfe74529a68ff564450c051287436',
  /** knative.dev/networking as serving's go.mod pins it at `serving`. */
  networking: 'c7a7b772cac94b9a20d3f43274d2f86ec7f0a2f8',
} as const;

/** Where a behaviour of knative/serving is defined, at the commit the rows were checked against. */
export function servingSource(path: string, symbol: string): UpstreamSource {
  return { repo: 'knative/serving', path, symbol, commit: COMMITS.serving };
}

/** A knative/serving conformance test of test/conformance/api/v1. */
export function conformanceSource(file: string, symbol: string): UpstreamSource {
  return servingSource(`test/conformance/api/v1/${file}`, symbol);
}

/** A write (or read) against the playground, in kubectl's and the API's terms. */
export interface UpstreamRequest {
  verb: 'create' | 'apply' | 'patch' | 'get' | 'delete';
  /** Plural of serving.knative.dev/v1 (services, configurations, revisions, routes). */
  resource: 'services' | 'configurations' | 'revisions' | 'routes';
  name: string;
  /** The object (create/apply) or the patch body (patch). */
  body?: unknown;
  patchType?: 'merge' | 'json' | 'strategic';
  /**
   * Objects to create first (their own rows need not exist), e.g. a Service for a route test.
   * `{setup.N}` in `body` stands for the name setup object N got (it may use generateName).
   */
  setup?: Array<{
    resource: UpstreamRequest['resource'];
    body: unknown;
    /** Wait for Ready True before the request (a scenario's earlier step). */ ready?: boolean;
  }>;
  /** kubectl's --validate (field validation) for create/apply: strict is kubectl's default. */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}

export interface UpstreamCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/**
 * Metadata (and status) of another object once the row's object settled: a child a Service made,
 * or the object itself. In any string, `{name}` stands for the name the row's object got (its
 * own, or what its metadata.generateName produced) and `{setup.N}` for the name setup object N got.
 */
export interface UpstreamRelated {
  resource: UpstreamRequest['resource'];
  name: string;
  /** Labels: a string must match exactly, `true` be present and non-empty, `null` be absent. */
  labels?: Record<string, string | true | null>;
  /** Annotations, as `labels`. */
  annotations?: Record<string, string | true | null>;
  /** metadata.ownerReferences element by element, of the same length (the keys given must match). */
  ownerReferences?: Array<Record<string, unknown>>;
  conditions?: UpstreamCondition[];
  /** Part of its status, as `UpstreamExpectation.objectStatus`. */
  objectStatus?: Record<string, unknown>;
}

/** A list of one resource in the row's namespace (through client-node and kubectl). */
export interface UpstreamList {
  resource: UpstreamRequest['resource'];
  /** The names the list holds, exactly and in order (placeholders as in `UpstreamRelated`). */
  names: string[];
}

/** What the API answers: the Status of a refusal, or conditions of the stored object after it settles. */
export interface UpstreamExpectation {
  status: number;
  /** Status.reason, e.g. "Invalid", "BadRequest". */
  reason?: string;
  /** Status.message exactly (the part after "admission webhook ... denied the request: " included). */
  message?: string;
  /** Warning headers the write answers with, exactly. */
  warnings?: string[];
  /** Conditions (type, status, reason, message?) of the object once the controllers settled. */
  conditions?: UpstreamCondition[];
  /**
   * Part of the settled object's status: every key given must match (objects by subset, arrays
   * element by element and of the same length). `{namespace}` in a string stands for the row's
   * namespace; `{name}` and `{setup.N}` as in `UpstreamRelated`.
   */
  objectStatus?: Record<string, unknown>;
  /**
   * A create with metadata.generateName (and no name): the name the object got must match this
   * regular expression (its source). The row's `request.name` is then the prefix.
   */
  nameMatches?: string;
  /** Other objects once the row's object settled: they must reach these states too. */
  related?: UpstreamRelated[];
  /** Lists of the row's namespace once everything above holds. */
  lists?: UpstreamList[];
}

/** A status.traffic entry as a sequence step expects it: the keys given must match. */
export interface UpstreamTrafficEntry {
  revisionName?: string;
  percent?: number;
  latestRevision?: boolean;
  tag?: string;
}

/**
 * One step of a condition sequence: a write, or a move of the controllers' clock, then the state
 * the row's object (its request's resource and name) reaches.
 */
export interface UpstreamStep {
  /** A write sent first (through client-node, in the row's namespace). */
  write?: { resource: UpstreamRequest['resource']; name: string; body: unknown; patchType?: 'merge' | 'json' };
  /** Simulated milliseconds the clock moves first (what falls due on the way runs). */
  advanceMs?: number;
  conditions?: UpstreamExpectation['conditions'];
  /** status.traffic, in order and of the same length. */
  traffic?: UpstreamTrafficEntry[];
  /** Other parts of the status, matched as `UpstreamExpectation.objectStatus` (`{namespace}` included). */
  objectStatus?: Record<string, unknown>;
  /** Other objects in the same state of time, as `UpstreamExpectation.related`. */
  related?: UpstreamRelated[];
}

export interface UpstreamRow {
  /** Unique, kebab-case. */
  id: string;
  /** One line: what upstream does. */
  behaviour: string;
  source: UpstreamSource;
  request: UpstreamRequest;
  expect: UpstreamExpectation;
  /**
   * States in time after the request settled into `expect`, one step after the other. Besides each
   * step's state, the distinct status.traffic values the object shows on the way must be exactly
   * the steps' ones, in order: no step skipped, none added.
   */
  sequence?: UpstreamStep[];
}
