// Bounds of `bgctl playground --clusters`, apart from the simulator so that parsing flags loads none of it.

/** Most clusters one playground process starts (each holds its own ports, controllers and registry). */
export const MAX_CLUSTERS = 10;

/** The kubeconfig context of cluster `index` (0-based) of `count`: a single cluster keeps its historic name. */
export function clusterContextName(index: number, count: number): string {
  return count === 1 ? 'bgctl-playground' : `playground-${index + 1}`;
}
