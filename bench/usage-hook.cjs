// Preloaded (NODE_OPTIONS=--require) into every node process the benchmark starts: at exit it appends
// the process's own CPU time and peak RSS to $BGCTL_BENCH_USAGE. CommonJS so that `node -e 0`
// does not have to start the ESM loader just for this hook.
const file = process.env.BGCTL_BENCH_USAGE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    process
      .getBuiltinModule('node:fs')
      .appendFileSync(file, JSON.stringify({ cpuUs: u.userCPUTime + u.systemCPUTime, maxRssKb: u.maxRSS }) + '\n');
  });
}
