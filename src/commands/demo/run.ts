// `bgctl demo`: the playground in-process with a sample service, and a rollout on it (the wizard on a terminal,
// narrated steps otherwise), judged by metric gates when a Prometheus binary is on PATH. Prometheus and the
// playground stop in `finally`: at the end, on errors and on Ctrl-C.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tagUrl } from '../../core/views/rows.js';
import { BgctlError, CancelError, PausedError } from '../../core/errors.js';
import { parseSteps } from '../../core/parse.js';
import { readState } from '../../core/state.js';
import { printable } from '../../ui/sanitize.js';
import type { CommandContext } from '../context.js';
import { contextWith } from '../rollout/context.js';
import { parseRolloutInput } from '../rollout/options.js';
import type { LaunchedPrometheus } from '../../metrics/launch.js';
import {
  DEMO_GATE_FLAGS,
  DEMO_GATES,
  DEMO_LOAD_RPS,
  demoPrometheusBinary,
  explainGates,
  startDemoPrometheus,
} from './metrics.js';
import { FlagValues } from '../verb.js';
import type { DemoOptions } from './options.js';
import { newSession, runPipeline } from '../rollout/pipeline.js';

export const DEMO_SERVICE = 'hello';

/** The image of the demo's new revision (the sample serves v1). */
export const DEMO_NEXT_IMAGE = 'ghcr.io/bgctl/hello:v2';

/** One GET through the ingress with a Host header; resolves with the body. */
function get(ingress: string, host: string): Promise<string> {
  const [hostname, port] = [
    ingress.slice(0, ingress.lastIndexOf(':')),
    Number(ingress.slice(ingress.lastIndexOf(':') + 1)),
  ];
  return new Promise((resolve, reject) => {
    const req = http.get({ hostname, port, path: '/', headers: { Host: host }, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** What the ingress answers for `host`, or why it did not. */
export function ingressAnswer(ingress: string, host: string): Promise<string> {
  return get(ingress, host).catch((err: Error) => `(no answer: ${err.message})`);
}

/**
 * The error with a demo's hint instead of `--resume`/`--abort`: those would run against the user's own cluster,
 * while the rollout they name lived in the demo's playground, which stops with the demo.
 */
export function withoutResume(err: unknown): unknown {
  if (!(err instanceof BgctlError) || !err.hint?.includes('--resume')) return err;
  const Same = err.constructor as new (
    message: string,
    opts: { reason?: string; hint?: string; cause?: unknown },
  ) => BgctlError;
  return new Same(err.message, {
    reason: err.reason,
    hint: "the demo's playground stops with the demo, so there is nothing to resume or undo: run bgctl demo again",
    cause: err,
  });
}

/** Runs the demo verb. */
export async function run(opts: DemoOptions, ctx: CommandContext): Promise<void> {
  if (opts.fleet) return (await import('./fleet.js')).runFleetDemo(opts, ctx);
  const { io } = ctx;
  const c = io.colors();
  const interactive = io.canPrompt() && !opts.yes;
  // Gates need a traffic level to judge before promote.
  const gated = opts.metrics && parseSteps(opts.percents, '--percents').some((p) => p < 100);
  const bin = gated ? demoPrometheusBinary(io) : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'bgctl-demo-'));
  const { startPlayground } = await import('../../sim/playground.js');
  io.err.write('Starting the playground (a simulated Kubernetes API with Knative Serving, on 127.0.0.1)…\n');
  const pg = await startPlayground({
    kubeconfigPath: join(dir, 'kubeconfig'),
    sample: DEMO_SERVICE,
    ...(bin && { load: DEMO_LOAD_RPS }),
  });
  let prom: LaunchedPrometheus | undefined;
  let stopped = false;
  try {
    io.err.write(
      `${c.successIcon} Playground up: API ${pg.server}, ingress ${pg.ingress}; ` +
        `service "${DEMO_SERVICE}" serves its first revision.\n`,
    );
    // The playground's kubeconfig and its context's namespace, whatever -n and --context said.
    const demoCtx = contextWith(ctx, { kubeconfig: pg.kubeconfigPath, namespace: undefined, context: undefined });
    const flags: Record<string, unknown> = {
      percents: opts.percents,
      ingress: pg.ingress,
      yes: !interactive,
      timeout: '1m',
    };
    if (bin) {
      prom = await startDemoPrometheus(io, bin, pg.metrics, `${DEMO_SERVICE}-00001`, ctx.signal).catch((err) => {
        if (err instanceof BgctlError) throw err;
        if (ctx.signal.aborted) throw new CancelError();
        // A Prometheus that cannot start is no reason to stop the demo: it goes on as without one.
        io.err.write(
          `Prometheus did not start (${printable((err as Error).message)}); going on without metric gates.\n`,
        );
        return undefined;
      });
      if (prom) {
        Object.assign(flags, { prometheus: prom.url, gate: DEMO_GATES, ...DEMO_GATE_FLAGS });
        explainGates(io);
      }
    }
    if (!interactive)
      Object.assign(flags, { image: opts.image ?? DEMO_NEXT_IMAGE, expectBody: 'Hello from', requests: '3' });
    else if (opts.image !== undefined) flags.image = opts.image;
    // The demo's own environment does not choose the image or the ingress: the playground does.
    const rollout = parseRolloutInput({ arg: DEMO_SERVICE, flags: new FlagValues(flags), env: {} });
    if (interactive) {
      const { runWizard } = await import('../rollout/wizard.js');
      // Enter at every prompt completes the demo: the next image is offered, confirmations say yes.
      try {
        await runWizard(demoCtx, DEMO_SERVICE, rollout, { imageDefault: DEMO_NEXT_IMAGE, confirmDefault: true });
      } catch (err) {
        // A wizard pause would hint `--resume`, which would run against the user's own cluster: the
        // demo's playground stops with it, so there is nothing to resume.
        if (!(err instanceof PausedError)) throw withoutResume(err);
        stopped = true;
      }
    } else {
      const session = newSession(demoCtx, DEMO_SERVICE, rollout);
      await runPipeline(session).catch((err) => {
        throw withoutResume(err);
      });
    }
    const svc = stopped ? undefined : await (await demoCtx.kube()).getService(DEMO_SERVICE);
    const st = svc && readState(svc).state;
    const url = svc && st ? tagUrl(svc, st.candidate.tag) : undefined;
    if (url) {
      // Show the tag URL answering through the ingress, with the curl line that does the same.
      const host = new URL(url).host;
      io.err.write(
        `\n${c.bold('The tag URL through the ingress')}:\n  $ curl -H 'Host: ${host}' http://${pg.ingress}/\n`,
      );
      const answer = await ingressAnswer(pg.ingress, host);
      io.err.write(`  ${printable(answer.trim())}\n`);
    }
  } finally {
    await prom?.stop();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  if (prom) io.err.write('Prometheus is stopped and its temporary data removed.\n');
  if (stopped) {
    io.err.write('Demo stopped at your answer; the playground is stopped, so there is nothing to resume.\n');
    return;
  }
  io.err.write('Demo finished; the playground is stopped.\n');
}
