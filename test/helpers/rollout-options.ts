// RolloutOptions for tests that call the wizard or the pipeline directly: the flags as commander
// would hand them over (camelCase keys), parsed by the rollout verb's own parser.
import { parseRolloutInput, type RolloutOptions } from '../../src/commands/rollout/options.js';
import { FlagValues } from '../../src/commands/verb.js';

export function rolloutOptions(
  flags: Record<string, unknown> = {},
  env: Record<string, string | undefined> = {},
): RolloutOptions {
  return parseRolloutInput({ arg: undefined, flags: new FlagValues(flags), env });
}
