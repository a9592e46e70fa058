#!/usr/bin/env node
// Shim: cache compiled code between runs (Node 22.1+ has module.enableCompileCache), load the
// bundle, and turn SIGINT/SIGTERM into a cancel signal (a second Ctrl-C exits at once).
import module from 'node:module';
module.enableCompileCache?.();
const { main } = await import('../dist/cli.js');
const controller = new AbortController();
const onSignal = (sig) => {
  if (controller.signal.aborted) process.exit(sig === 'SIGINT' ? 130 : 143);
  controller.abort(sig);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.exitCode = await main(process.argv.slice(2), { signal: controller.signal });
process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);
