// Long mode of the chaos suites: `npm run test:chaos [-- --runs 500 --crashes 200 --seed 1 --lanes 3]`;
// fleet scenarios over three clusters: `npm run test:chaos -- --fleet [--runs 6 --lanes 2]` (replay: --only f3).
// Runs test/chaos/long.ts through tsx (the same harness as the short mode inside npm test).
// Replay one failing run: `npm run test:chaos -- --only 36 --verbose` (crash-resume seeds: --only k7).
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const result = spawnSync(process.execPath, ['--import', 'tsx', 'test/chaos/long.ts', ...args], {
  stdio: 'inherit',
  env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
});
process.exit(result.status ?? 1);
