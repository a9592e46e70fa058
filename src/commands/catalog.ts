// Every verb, in the order `bgctl --help` lists them: the wizard, the steps of the procedure, the
// reads, the tools. Each verb's folder holds its flags and parse (options.ts) and its run (run.ts,
// loaded only when the verb runs).
import type { VerbEntry } from './verb.js';
import { rolloutVerb } from './rollout/options.js';
import { demoVerb } from './demo/options.js';
import { pinVerb } from './pin/options.js';
import { deployVerb } from './deploy/options.js';
import { stageVerb } from './stage/options.js';
import { splitVerb } from './split/options.js';
import { promoteVerb } from './promote/options.js';
import { rollbackVerb } from './rollback/options.js';
import { cleanupVerb } from './cleanup/options.js';
import { statusVerb } from './status/options.js';
import { revisionsVerb } from './revisions/options.js';
import { urlVerb } from './url/options.js';
import { historyVerb } from './history/options.js';
import { verifyVerb } from './verify/options.js';
import { analyzeVerb } from './analyze/options.js';
import { completionVerb } from './completion/options.js';
import { playgroundVerb } from './playground/options.js';
import { versionVerb } from './version/options.js';

export const VERBS: readonly VerbEntry[] = [
  rolloutVerb,
  demoVerb,
  pinVerb,
  deployVerb,
  stageVerb,
  splitVerb,
  promoteVerb,
  rollbackVerb,
  cleanupVerb,
  statusVerb,
  revisionsVerb,
  urlVerb,
  historyVerb,
  verifyVerb,
  analyzeVerb,
  completionVerb,
  playgroundVerb,
  versionVerb,
];
