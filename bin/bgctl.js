#!/usr/bin/env node
// Shim: cache compiled code between runs (Node 22.1+ has module.enableCompileCache), then load the bundle.
import module from 'node:module';
module.enableCompileCache?.();
const { main } = await import('../dist/cli.js');
process.exitCode = await main(process.argv.slice(2));
