// Every verb: its flags and a lazy loader for its implementation, so `bgctl --help` loads no
// client, prompt or spinner code. The specs live in catalog/*.ts, one file per group of verbs.
import type { Command } from 'commander';
import type { CommandModule } from './context.js';
import { READ_COMMANDS } from './catalog/read.js';
import { STEP_COMMANDS } from './catalog/steps.js';
import { ROLLOUT_COMMANDS } from './catalog/rollout.js';
import { TOOL_COMMANDS } from './catalog/tools.js';

export interface CommandSpec {
  name: string;
  summary: string;
  description?: string;
  /** The one positional identifier (kn convention), e.g. `[service]`. */
  args?: { name: string; description: string };
  options?: (cmd: Command) => void;
  /** Adds --dry-run, --yes, --wait/--no-wait, --timeout. */
  writes?: boolean;
  example?: string;
  load(): Promise<CommandModule>;
}

/** In the order `bgctl --help` lists them: the wizard, the steps of the procedure, reads, tools. */
export const COMMANDS: CommandSpec[] = [...ROLLOUT_COMMANDS, ...STEP_COMMANDS, ...READ_COMMANDS, ...TOOL_COMMANDS];
