// The bgctl entry the crash-resume suite spawns (and SIGKILLs): the real main() with the real process
// streams, run from source through tsx so the suite never tests a stale build.
import { main } from '../../src/cli.js';

/** Runs bgctl with this process's arguments. */
async function run(): Promise<void> {
  process.exitCode = await main(process.argv.slice(2));
}

void run();
