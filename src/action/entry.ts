// dist/action.js: the Action's process. The exit code is bgctl's (process.exitCode, no process.exit:
// the outputs and the summary are written by then).
import { runAction } from './main.js';
import { annotation } from './workflow-commands.js';

// A cancelled job: bgctl gets SIGINT and stops resumably; the outputs and summary are still written and the
// kubeconfig file removed before this process ends.
const cancel = new AbortController();
const onSignal = () => cancel.abort();
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

runAction({ env: process.env, stdout: process.stdout, stderr: process.stderr, signal: cancel.signal }).then(
  (code) => {
    process.exitCode = code;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  },
  (err: unknown) => {
    process.stdout.write(annotation('error', 'bgctl action failed', err instanceof Error ? err.message : String(err)));
    process.exitCode = 1;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  },
);
