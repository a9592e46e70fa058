// `bgctl playground`: the simulator as a long-running process for people and scripts.
import { FailedError } from '../../core/errors.js';
import { document } from '../../core/document.js';
import { writeDocument } from '../../ui/document.js';
import type { CommandContext } from '../context.js';
import type { MetricsFormat } from '../../sim/metrics.js';
import type { Playgrounds } from '../../sim/playground.js';
import type { PlaygroundOptions } from './options.js';

export async function run(opts: PlaygroundOptions, ctx: CommandContext): Promise<void> {
  const { io, globals } = ctx;
  const { port, ingressPort, metricsPort, kubeconfigOut: kubeconfigPath } = opts;
  const { startPlaygrounds } = await import('../../sim/playground.js');
  const { refuseUnsafeTarget } = await import('../../sim/private-file.js');
  // Refuse a symlinked target before anything starts (the playground checks again when it writes).
  refuseUnsafeTarget(kubeconfigPath, 'kubeconfig');
  refuseUnsafeTarget(`${kubeconfigPath}.readonly`, 'read-only kubeconfig');
  const count = opts.clusters;
  const pgs = await startPlaygrounds(count, {
    port,
    ingressPort,
    metricsPort,
    metricsFormat: opts.metricsFormat,
    load: opts.load,
    domain: opts.domain,
    kubeconfigPath,
    sample: opts.sample,
  }).catch((err: NodeJS.ErrnoException) => {
    if (err?.code !== 'EADDRINUSE') throw err;
    // Name the flag to change rather than leaving a bare listen error.
    // Cluster i listens on the flag's port + i.
    const taken = (p: number): boolean =>
      p > 0 && Array.from({ length: count }, (_, i) => err.message.endsWith(`:${p + i}`)).some(Boolean);
    const flag = taken(port) ? '--port' : taken(metricsPort) ? '--metrics-port' : '--ingress-port';
    throw new FailedError(`${err.message.replace(/^listen EADDRINUSE: /, '')}`, {
      reason: 'PortInUse',
      hint: `choose another ${flag}, or 0 for a free one`,
      cause: err,
    });
  });
  const pg = { ...pgs.clusters[0], kubeconfigPath: pgs.kubeconfigPath };
  try {
    // Ctrl-C while it was starting (the sample can take a while): stop without announcing it.
    if (ctx.signal.aborted) return;
    if (globals.output === 'table' && count > 1) writeClustersSummary(io, opts, pgs);
    else if (globals.output === 'table') {
      const c = io.colors();
      io.err.write(
        `${c.success('✓')} Playground running: Kubernetes API ${pg.server}, Knative Serving (domain ${opts.domain})\n`,
      );
      if (opts.sample)
        io.err.write(`${c.success('✓')} Sample service "${opts.sample}" is Ready in namespace ${pg.namespace}\n`);
      io.out.write([`export KUBECONFIG=${pg.kubeconfigPath}`, `export BGCTL_INGRESS=${pg.ingress}`, ''].join('\n'));
      io.err.write(
        c.muted(
          `\nIngress: http://${pg.ingress} (send the service's Host header, ` +
            `e.g. curl -H 'Host: ${opts.sample ?? 'hello'}.${pg.namespace}.${opts.domain}' http://${pg.ingress}/)\n` +
            `Metrics: http://${pg.metrics}/metrics (Prometheus scrape target, ${formatName(opts.metricsFormat)}; ` +
            `${opts.load > 0 ? `load ${opts.load} req/s to every service with traffic` : 'no load: --load RPS'})\n` +
            `Try: bgctl status${opts.sample ? ' ' + opts.sample : ' -A'}   ·   kubectl get ksvc\n` +
            'Press Ctrl-C to stop.\n',
        ),
      );
    } else {
      const doc = document('Playground', {
        kubeconfig: pg.kubeconfigPath,
        server: pg.server,
        ingress: pg.ingress,
        metrics: pg.metrics,
        namespace: pg.namespace,
        // Only with several clusters, so that the single-cluster document stays as it was.
        ...(count > 1
          ? {
              clusters: pgs.clusters.map(({ context, server, ingress, metrics }) => ({
                context,
                server,
                ingress,
                metrics,
              })),
            }
          : {}),
      });
      if (globals.output === 'json') io.out.write(JSON.stringify(doc) + '\n');
      else writeDocument(io, 'yaml', doc);
    }
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    await pgs.stop();
  }
  if (globals.output === 'table') io.err.write('Playground stopped.\n');
}

/** The table output of several clusters: the same export lines, then one line per cluster on stderr. */
function writeClustersSummary(io: CommandContext['io'], opts: PlaygroundOptions, pgs: Playgrounds): void {
  const c = io.colors();
  const [first, second] = pgs.clusters;
  const count = pgs.clusters.length;
  io.err.write(`${c.success('✓')} Playground running: ${count} clusters, Knative Serving (domain ${opts.domain})\n`);
  if (opts.sample)
    io.err.write(
      `${c.success('✓')} Sample service "${opts.sample}" is Ready in namespace ${first.namespace} of each\n`,
    );
  io.out.write([`export KUBECONFIG=${pgs.kubeconfigPath}`, `export BGCTL_INGRESS=${first.ingress}`, ''].join('\n'));
  const rows = [
    ['CONTEXT', 'API SERVER', 'INGRESS', 'METRICS'],
    ...pgs.clusters.map((k) => [k.context, k.server, k.ingress, `${k.metrics}/metrics`]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const table = rows
    .map(
      (r) =>
        r
          .map((cell, i) => cell.padEnd(widths[i]))
          .join('  ')
          .trimEnd() + '\n',
    )
    .join('');
  const load = opts.load > 0 ? `load ${opts.load} req/s to every service with traffic` : 'no load: --load RPS';
  io.err.write(
    c.muted(
      `\n${table}\nEach context is its own cluster (own API server, token, ingress and metrics target; ${load}).\n` +
        `${first.context} is the current context; BGCTL_INGRESS is its ingress.\n` +
        `Try: bgctl status ${opts.sample ?? '-A'} --context ${second.context}   ·   kubectl config get-contexts\n` +
        'Press Ctrl-C to stop.\n',
    ),
  );
}

function formatName(format: MetricsFormat): string {
  if (format === 'knative-1.19') return 'Knative v1.19.0-v1.19.7 names, whole seconds';
  return format === 'knative' ? 'Knative names' : 'Knative 1.18 names';
}
