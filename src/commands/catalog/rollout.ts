// Specs of the rollout verbs (the wizard and the demo land in a following commit).
import type { CommandSpec } from '../catalog.js';

export const ROLLOUT_COMMANDS: CommandSpec[] = [];
