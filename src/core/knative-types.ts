// The subset of serving.knative.dev/v1 that bgctl reads and writes, with Knative's own JSON field names.

export const SERVING_GROUP = 'serving.knative.dev';
export const SERVING_VERSION = 'v1';
export const SERVING_API_VERSION = `${SERVING_GROUP}/${SERVING_VERSION}`;

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }>;
  [key: string]: unknown;
}

/** One entry of spec.traffic or status.traffic. */
export interface TrafficTarget {
  tag?: string;
  revisionName?: string;
  configurationName?: string;
  latestRevision?: boolean;
  percent?: number;
  /** Only in status, and only on tagged entries. */
  url?: string;
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason?: string;
  message?: string;
  severity?: string;
  lastTransitionTime?: string;
}

export interface Container {
  name?: string;
  image: string;
  env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  [key: string]: unknown;
}

export interface RevisionTemplate {
  metadata?: {
    name?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  spec: { containers: Container[]; [key: string]: unknown };
}

export interface KnativeService {
  apiVersion: string;
  kind: 'Service';
  metadata: ObjectMeta;
  spec: { template: RevisionTemplate; traffic?: TrafficTarget[] };
  status?: {
    observedGeneration?: number;
    conditions?: Condition[];
    latestCreatedRevisionName?: string;
    latestReadyRevisionName?: string;
    url?: string;
    address?: { url?: string };
    traffic?: TrafficTarget[];
  };
}

export interface Revision {
  apiVersion: string;
  kind: 'Revision';
  metadata: ObjectMeta;
  spec: { containers: Container[]; [key: string]: unknown };
  status?: { observedGeneration?: number; conditions?: Condition[]; [key: string]: unknown };
}

/** Labels and annotations Knative puts on objects. */
export const KnativeLabels = {
  service: 'serving.knative.dev/service',
  configuration: 'serving.knative.dev/configuration',
  configurationGeneration: 'serving.knative.dev/configurationGeneration',
  routingState: 'serving.knative.dev/routingState',
  noGc: 'serving.knative.dev/no-gc',
  creator: 'serving.knative.dev/creator',
  lastModifier: 'serving.knative.dev/lastModifier',
} as const;

export function condition(
  obj: { status?: { conditions?: Condition[] } } | undefined,
  type: string,
): Condition | undefined {
  return obj?.status?.conditions?.find((c) => c.type === type);
}
