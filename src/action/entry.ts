// dist/action.js: the Action's process. The exit code is bgctl's (process.exitCode, no process.exit:
// the outputs and the summary are written by then).
import { runAction } from './main.js';
import { annotation } from './workflow-commands.js';

runAction({ env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stdout.write(annotation('error', 'bgctl action failed', err instanceof Error ? err.message : String(err)));
    process.exitCode = 1;
  },
);
