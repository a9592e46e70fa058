// What every shim in bin/ runs (CommonJS, like dist/: see scripts/build.mjs): cache compiled code between
// runs (Node 22.1+ has module.enableCompileCache), load the bundle, and turn SIGINT/SIGTERM into a cancel
// signal (a second Ctrl-C exits at once). `command` is how the user started bgctl: its help names it.
'use strict';

/** Runs bgctl with this process's arguments, as the command the user typed (`bgctl`, `kubectl bgctl`, `kn bgctl`). */
module.exports = function launch(command) {
  require('node:module').enableCompileCache?.();
  const { main } = require('../dist/cli.js');

  const controller = new AbortController();
  const onSignal = (sig) => {
    if (controller.signal.aborted) process.exit(sig === 'SIGINT' ? 130 : 143);
    controller.abort(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  main(process.argv.slice(2), { signal: controller.signal, command }).then((code) => {
    process.exitCode = code;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });
};
