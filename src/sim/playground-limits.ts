// Bounds of `bgctl playground --clusters`, apart from the simulator so that parsing flags loads none of it
// (a constant only: the bundler inlines it, so --help loads no src/sim code).

/** Most clusters one playground process starts (each holds its own ports, controllers and registry). */
export const MAX_CLUSTERS = 10;
