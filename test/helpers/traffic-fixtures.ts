// One before/after pair of traffic lists for the plan tests of core (pairing, diff) and ui (the
// plan table that renders those pairs): a tag added to a split, a 0% tag dropped, a latest tag added.
import type { TrafficTarget } from '../../src/core/knative-types.js';

export const before: TrafficTarget[] = [
  { revisionName: 'hello-00001', percent: 100 },
  { revisionName: 'hello-00002', tag: 'v2', percent: 0 },
  { revisionName: 'hello-00000', tag: 'old', percent: 0 },
];

export const after: TrafficTarget[] = [
  { revisionName: 'hello-00001', tag: 'blue', percent: 50 },
  { revisionName: 'hello-00002', tag: 'v2', percent: 50 },
  { latestRevision: true, tag: 'latest', percent: 0 },
];
