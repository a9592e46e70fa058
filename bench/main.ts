// `npm run bench`: builds the CLI into .tmp/bench (a private copy: other runs may rebuild dist/),
// starts the clusters, runs the suites and prints medians, ratios and the machine they ran on.
// See docs/benchmarks.md.
// Usage: npm run bench -- [--rounds 15] [--warmup 3]
//          [--only startup,status,rollout,rollout-instant,reaction,scale,gate-rollback,gate-queries,fleet]
//                         [--services 2000] [--revisions 20000] [--big-revisions 5000] [--out results.md]
//                         [--fleet-rounds 3] [--fleet-loop-up-to 90]
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { findKubectl } from '../test/helpers/kubectl.js';
import { fleetSuite } from './fleet.js';
import { gateSuites } from './gates.js';
import { renderSuite, type SuiteResult } from './results.js';
import { startBenchPlayground, startScaleCluster } from './sim.js';
import {
  BENCH_ROOT,
  reactionSuite,
  rolloutSuite,
  scaleSuite,
  startupSuite,
  statusSuite,
  type SuiteOptions,
} from './suites.js';

const ALL = [
  'startup',
  'status',
  'rollout',
  'rollout-instant',
  'reaction',
  'scale',
  'gate-rollback',
  'gate-queries',
  'fleet',
];

function machine(kubectl: string | undefined): string {
  const cpus = os.cpus();
  const kv = kubectl
    ? execFileSync(kubectl, ['version', '--client'], { encoding: 'utf8' }).split('\n')[0]
    : 'kubectl: not found';
  const load = os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  return [
    `Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ` +
      `${os.type()} ${os.release()} (${os.arch()})`,
    `Node ${process.version}; ${kv}`,
    `Load average (1/5/15 min) at this point: ${load}`,
  ].join('\n');
}

/** Builds bin/ + dist/ as users get them into BENCH_ROOT. */
async function buildPrivateCopy(): Promise<void> {
  // @ts-expect-error: scripts/build.mjs is plain JavaScript without type declarations.
  const { buildCli } = (await import('../scripts/build.mjs')) as {
    buildCli: (o: { outdir: string }) => Promise<unknown>;
  };
  await buildCli({ outdir: '.tmp/bench/dist' });
  mkdirSync(join(BENCH_ROOT, 'bin'), { recursive: true });
  // Every file of bin/: the shims call bin/launch.js.
  for (const name of readdirSync(new URL('../bin/', import.meta.url)))
    copyFileSync(new URL(`../bin/${name}`, import.meta.url), join(BENCH_ROOT, 'bin', name));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '15' },
      warmup: { type: 'string', default: '3' },
      only: { type: 'string', default: ALL.join(',') },
      services: { type: 'string', default: '2000' },
      revisions: { type: 'string', default: '20000' },
      'big-revisions': { type: 'string', default: '5000' },
      out: { type: 'string' },
      'fleet-rounds': { type: 'string', default: '3' },
      'fleet-loop-up-to': { type: 'string', default: '90' },
    },
  });
  const only = new Set(values.only.split(','));
  await buildPrivateCopy();
  const kubectl = findKubectl();
  const opts: SuiteOptions = { warmup: Number(values.warmup), rounds: Number(values.rounds), kubectl };
  const header = machine(kubectl);
  process.stdout.write(
    `${header}\nRounds: ${opts.rounds} measured after ${opts.warmup} warm-up, cases alternated.\n\n`,
  );
  const results: SuiteResult[] = [];
  const show = (r: SuiteResult): void => {
    results.push(r);
    process.stdout.write(renderSuite(r) + '\n');
  };

  if (only.has('startup')) show(await startupSuite(opts));
  if (['status', 'rollout', 'reaction'].some((s) => only.has(s))) {
    const pg = await startBenchPlayground();
    try {
      if (only.has('status')) show(await statusSuite(pg, opts));
      if (only.has('rollout')) show(await rolloutSuite(pg, opts));
      if (only.has('reaction')) show(await reactionSuite(pg, opts));
    } finally {
      await pg.stop();
    }
  }
  if (only.has('rollout-instant')) {
    const pg = await startBenchPlayground({ instant: true });
    try {
      show(await rolloutSuite(pg, opts, 'instant'));
    } finally {
      await pg.stop();
    }
  }
  if (only.has('scale')) {
    const size = {
      services: Number(values.services),
      revisions: Number(values.revisions),
      bigRevisions: Number(values['big-revisions']),
    };
    process.stderr.write(
      `filling a cluster with ${size.services} services, ${size.revisions} revisions ` +
        `and one service with ${size.bigRevisions}...\n`,
    );
    const sc = await startScaleCluster({ ...size, namespaces: 20 });
    try {
      for (const r of await scaleSuite(sc, { ...opts, ...size })) show(r);
    } finally {
      await sc.stop();
    }
  }
  if (only.has('gate-rollback') || only.has('gate-queries'))
    for (const r of (await gateSuites(opts, only)) ?? []) show(r);
  if (only.has('fleet'))
    show(
      await fleetSuite({
        ...opts,
        rounds: Number(values['fleet-rounds']),
        loopUpTo: Number(values['fleet-loop-up-to']),
      }),
    );
  const footer = `Load average (1/5/15 min) at the end: ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`;
  process.stdout.write(footer + '\n');
  if (values.out) writeFileSync(values.out, [header, '', ...results.map(renderSuite), footer, ''].join('\n'));
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
