// Names, keys and verbatim condition texts of Knative Serving.

/** apiVersion of every object the controllers write. */
export const API_VERSION = 'serving.knative.dev/v1';
/** The identity every controller write carries. */
export const CONTROLLER_USER = 'system:serviceaccount:knative-serving:controller';
/** Added by the Route reconciler, removed once the labeler has cleaned up. */
export const ROUTE_FINALIZER = 'routes.serving.knative.dev';

/** Label keys. */
export const L = {
  service: 'serving.knative.dev/service',
  serviceUID: 'serving.knative.dev/serviceUID',
  configuration: 'serving.knative.dev/configuration',
  configurationUID: 'serving.knative.dev/configurationUID',
  configurationGeneration: 'serving.knative.dev/configurationGeneration',
  routingState: 'serving.knative.dev/routingState',
  visibility: 'networking.knative.dev/visibility',
} as const;

/** Annotation keys. */
export const A = {
  creator: 'serving.knative.dev/creator',
  lastModifier: 'serving.knative.dev/lastModifier',
  routes: 'serving.knative.dev/routes',
  routingStateModified: 'serving.knative.dev/routingStateModified',
  noGc: 'serving.knative.dev/no-gc',
  rolloutDuration: 'serving.knative.dev/rollout-duration',
  rolloutDurationAlias: 'serving.knative.dev/rolloutDuration',
  lastApplied: 'kubectl.kubernetes.io/last-applied-configuration',
} as const;

/** Simulator knobs, read from the revision template's annotations (copied onto each Revision). */
export const KNOB = {
  readyAfter: 'sim.bgctl.dev/ready-after',
  fail: 'sim.bgctl.dev/fail',
  latency: 'sim.bgctl.dev/latency',
  errorRate: 'sim.bgctl.dev/error-rate',
} as const;

/** Condition messages, verbatim from upstream. */
export const MSG = {
  newGen: 'unsuccessfully observed a new generation',
  configOutOfDate: 'The Configuration is still working to reflect the latest desired specification.',
  routeOutOfDate: 'The Route is still working to reflect the latest desired specification.',
  trafficNotMigrated: 'Traffic is not yet migrated to the latest revision.',
  nameTaken: (n: string) =>
    `The revision name ${q(n)} is taken by a conflicting Revision, so traffic will not be migrated`,
  configNotOwned: (n: string) => `There is an existing Configuration ${q(n)} that we do not own.`,
  routeNotOwned: (n: string) => `There is an existing Route ${q(n)} that we do not own.`,
  revisionFailed: (n: string, m: string) => `Revision ${q(n)} failed with message: ${m}.`,
  creationFailed: (m: string) => `Revision creation failed with message: ${m}.`,
  configWaiting: (n: string) => `Configuration ${q(n)} is waiting for a Revision to become ready.`,
  configNoReady: (n: string) => `Configuration ${q(n)} does not have any ready Revision.`,
  revNotReady: (n: string) => `Revision ${q(n)} is not yet ready.`,
  revFailed: (n: string) => `Revision ${q(n)} failed to become ready.`,
  revMissing: (n: string) => `Revision ${q(n)} referenced in traffic not found.`,
  configMissing: (n: string) => `Configuration ${q(n)} referenced in traffic not found.`,
  revNotOwned: (r: string, actual: string, want: string) =>
    `Revision ${q(r)} belongs to Service ${q(actual)}, not Service ${q(want)}.`,
  revNoService: (r: string, want: string) => `Revision ${q(r)} does not belong to Service ${q(want)}.`,
  ingressNotConfigured: 'Ingress has not yet been reconciled.',
  rolloutInProgress: 'A gradual rollout of the latest revision(s) is in progress.',
  tlsNotEnabled: 'external-domain-tls is not enabled',
  queued: 'Requests to the target are being buffered as resources are provisioned.',
  imageMissing: (image: string, err: string) =>
    `Unable to fetch image ${q(image)}: failed to resolve image to digest: ${err}`,
  containerExited: (m: string) => `Container failed with: ${m}`,
} as const;

/** Go's %q for the plain strings Knative quotes (names, hosts). */
export function q(s: string): string {
  return JSON.stringify(s);
}
