// The Options of a bare `bgctl rollout hello`, for parse tests to override field by field.
import type { RolloutOptions } from '../../../src/commands/rollout/options.js';

export function rolloutDefaults(over: Partial<RolloutOptions> = {}): RolloutOptions {
  return {
    service: 'hello',
    image: undefined,
    env: [],
    envRaw: [],
    annotations: {},
    annotationRaw: [],
    revision: undefined,
    tag: undefined,
    stableTag: undefined,
    previousTag: undefined,
    retire: false,
    percents: [50, 100],
    pauseMs: 0,
    verify: {},
    noVerify: false,
    rollbackOnFailure: true,
    until: 'promoted',
    resume: false,
    abort: false,
    takeOver: false,
    write: { yes: false, wait: true, timeout: '5m' },
    ...over,
  };
}
