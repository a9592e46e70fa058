#!/usr/bin/env node
// Shim (CommonJS, like dist/: see scripts/build.mjs): cache compiled code between runs (Node 22.1+
// has module.enableCompileCache), load the bundle, and turn SIGINT/SIGTERM into a cancel signal
// (a second Ctrl-C exits at once).
'use strict';
require('node:module').enableCompileCache?.();
const { main } = require('../dist/cli.js');

const controller = new AbortController();
const onSignal = (sig) => {
  if (controller.signal.aborted) process.exit(sig === 'SIGINT' ? 130 : 143);
  controller.abort(sig);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
main(process.argv.slice(2), { signal: controller.signal }).then((code) => {
  process.exitCode = code;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
});
