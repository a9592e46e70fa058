// `bgctl demo --fleet`: three playground clusters in-process (one kubeconfig, a context each), the sample service in
// each, and one fleet rollout across them: the first cluster is the first wave, the other two follow. On a terminal
// it asks once before the rollout (Enter goes on); with --yes, or without a terminal, it runs unattended. The
// clusters stop in `finally`: at the end, on errors and on Ctrl-C.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printable } from '../../ui/sanitize.js';
import type { CommandContext } from '../context.js';
import { parseRolloutInput } from '../rollout/options.js';
import { FlagValues } from '../verb.js';
import type { DemoOptions } from './options.js';
import { DEMO_NEXT_IMAGE, DEMO_SERVICE, ingressAnswer, withoutResume } from './run.js';

const CLUSTERS = 3;

/** Runs `bgctl demo --fleet`. */
export async function runFleetDemo(opts: DemoOptions, ctx: CommandContext): Promise<void> {
  const { io } = ctx;
  const c = io.colors();
  const image = opts.image ?? DEMO_NEXT_IMAGE;
  const dir = mkdtempSync(join(tmpdir(), 'bgctl-demo-fleet-'));
  const { startPlaygrounds } = await import('../../sim/playground.js');
  io.err.write(
    `Starting ${CLUSTERS} playground clusters (simulated Kubernetes APIs with Knative Serving, on 127.0.0.1)…\n`,
  );
  const pgs = await startPlaygrounds(CLUSTERS, { kubeconfigPath: join(dir, 'kubeconfig'), sample: DEMO_SERVICE });
  try {
    for (const cl of pgs.clusters)
      io.err.write(
        `${c.successIcon} ${cl.context}: API ${cl.server}, ingress ${cl.ingress}; ` +
          `"${DEMO_SERVICE}" serves its first revision.\n`,
      );
    const contexts = pgs.clusters.map((cl) => cl.context);
    const [first, ...rest] = contexts;
    io.err.write(
      `\n${c.bold('A fleet rollout')}: the same release to service "${DEMO_SERVICE}" in every context. ` +
        `${first} is the first wave: it must be promoted before ${rest.join(' and ')} start. ` +
        'A failure anywhere stops the fleet and rolls back the rollouts in flight; each record carries the fleet id, ' +
        'so the whole fleet can be resumed or aborted.\n' +
        c.muted(
          `  $ bgctl rollout ${DEMO_SERVICE} --context ${contexts.join(',')} --image ${image} ` +
            `--steps ${opts.percents} --yes`,
        ) +
        '\n\n',
    );
    if (io.canPrompt() && !opts.yes) {
      const go = await ctx
        .prompter()
        .confirm(`Roll out ${image} to "${DEMO_SERVICE}" in ${CLUSTERS} clusters?`, { default: true });
      if (!go) {
        io.err.write('Demo stopped at your answer; nothing was changed.\n');
        return;
      }
    }
    const rollout = parseRolloutInput({
      arg: DEMO_SERVICE,
      flags: new FlagValues({
        image,
        percents: opts.percents,
        yes: true,
        timeout: '1m',
        expectBody: 'Hello from',
        requests: '3',
        contextIngress: pgs.clusters.map((cl) => `${cl.context}=${cl.ingress}`),
      }),
      env: {},
    });
    // The playground's kubeconfig and its contexts, whatever --kubeconfig, --context and -n said.
    const fleetCtx: CommandContext = {
      ...ctx,
      globals: { ...ctx.globals, kubeconfig: pgs.kubeconfigPath, context: undefined, contexts, namespace: undefined },
    };
    const { runFleet } = await import('../fleet/run.js');
    await runFleet(fleetCtx, rollout).catch((err) => {
      throw withoutResume(err);
    });
    io.err.write(`\n${c.bold('Each cluster through its ingress')}:\n`);
    for (const cl of pgs.clusters) {
      const host = `${DEMO_SERVICE}.default.example.com`;
      const answer = await ingressAnswer(cl.ingress, host);
      io.err.write(
        `  ${cl.context}: $ curl -H 'Host: ${host}' http://${cl.ingress}/  →  ${printable(answer.trim())}\n`,
      );
    }
  } finally {
    await pgs.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  io.err.write('Demo finished; the playground clusters are stopped.\n');
}
