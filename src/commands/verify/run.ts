// `bgctl verify SERVICE [--tag T]`: HTTP checks against a tag URL. runVerification returns the VerificationResult
// (the wizard calls it in-process); run() prints it, records a pass on an open rollout, and exits 3 on failure.
import { BgctlError, CancelError, ClusterAccessError, VerificationError } from '../../core/errors.js';
import type { KnativeService } from '../../core/knative-types.js';
import { validateTag } from '../../core/names.js';
import { plan } from '../../core/plan.js';
import { buildServicePatch } from '../../core/patch.js';
import { readState } from '../../core/state.js';
import { parseVerifyFlags, summarize, unreachable, type Sample, type VerifyFlags } from '../../core/verify.js';
import { requireTagUrl } from '../../core/views/url.js';
import { defaultVerifyTag, verificationView, type VerificationResult } from '../../core/views/verification.js';
import type { KnativeClient } from '../../kube/client.js';
import { writeDocument } from '../../ui/document.js';
import { startProgress } from '../../ui/progress.js';
import { printable } from '../../ui/sanitize.js';
import { renderTable } from '../../ui/table.js';
import type { CommandContext } from '../context.js';
import { createProber } from '../read-views/read-http.js';
import { resolveService } from '../service-arg.js';
import { actorOf } from '../traffic-step/engine.js';
import type { VerifyVerbOptions } from './options.js';

export type { VerificationResult } from '../../core/views/verification.js';

export interface VerifyOptions extends VerifyFlags {
  /** Default: the candidate tag of the rollout in progress, else "candidate". */
  tag?: string;
  onProgress?: (done: number, total: number) => void;
  /** An already-read Service (the wizard has one); read from the cluster when absent. */
  service?: KnativeService;
}

/** Sends the requests and judges them; throws only for bad flags, an unknown tag or an unreachable endpoint. */
export async function runVerification(
  ctx: CommandContext,
  service: string,
  opts: VerifyOptions = {},
): Promise<VerificationResult> {
  const spec = parseVerifyFlags(opts, ctx.io.env.BGCTL_INGRESS);
  if (opts.tag !== undefined) validateTag(opts.tag, service);
  const client = await ctx.kube();
  const svc = opts.service ?? (await client.getService(service));
  const tag = opts.tag ?? defaultVerifyTag(svc);
  const base = requireTagUrl(svc, tag);
  const url = new URL(spec.path, base);
  const connectTo = spec.ingress
    ? `${spec.ingress.host.includes(':') ? `[${spec.ingress.host}]` : spec.ingress.host}:${spec.ingress.port}`
    : undefined;

  const samples: Sample[] = [];
  const prober = createProber();
  try {
    for (let i = 0; i < spec.requests; i++) {
      if (ctx.signal.aborted) throw new CancelError('verification cancelled');
      samples.push(await prober.get(url, { connectTo: spec.ingress, timeoutMs: spec.timeoutMs, signal: ctx.signal }));
      opts.onProgress?.(i + 1, spec.requests);
    }
  } finally {
    prober.close();
  }
  if (ctx.signal.aborted) throw new CancelError('verification cancelled');
  if (unreachable(samples)) {
    const where = connectTo ?? url.host;
    throw new ClusterAccessError(`cannot reach ${where} for ${url.href}: ${samples[0].error?.message}`, {
      reason: 'EndpointUnreachable',
      hint: connectTo
        ? 'check the --ingress address (or BGCTL_INGRESS); nothing was verified'
        : "the tag URL's host does not resolve or refuses connections from here: " +
          'pass --ingress HOST:PORT (or set BGCTL_INGRESS) to send requests ' +
          "to the cluster's ingress with this Host header",
    });
  }
  const revisionName = svc.status?.traffic?.find((t) => t.tag === tag)?.revisionName;
  return verificationView(
    {
      service: svc.metadata.name,
      namespace: svc.metadata.namespace,
      tag,
      url: url.href,
      ...(revisionName ? { revisionName } : {}),
      ...(connectTo ? { connectTo } : {}),
    },
    spec,
    summarize(samples, spec),
  );
}

/** The human report: a key/value block and the failure reasons. */
export function renderVerification(r: VerificationResult): string {
  const ms = (n: number | undefined) => (n === undefined ? '-' : `${n}ms`);
  const codes =
    Object.entries(r.statusCodes)
      .map(([c, n]) => `${c}×${n}`)
      .join(' ') || '-';
  const revs = Object.entries(r.revisions)
    .map(([c, n]) => (Object.keys(r.revisions).length > 1 ? `${c}×${n}` : c))
    .join(' ');
  const checks = [`status ${r.checks.expectStatus}`];
  if (r.checks.expectBody !== undefined) checks.push(`body /${r.checks.expectBody}/ (first 1 MiB)`);
  if (r.checks.maxLatencyMs !== undefined) checks.push(`p95 <= ${r.checks.maxLatencyMs}ms`);
  const lines: Array<[string, string]> = [
    ['Service', `${r.service}${r.namespace ? ` (namespace ${r.namespace})` : ''}`],
    ['Tag', r.revisionName ? `${r.tag} -> ${r.revisionName}` : r.tag],
    ['URL', r.connectTo ? `${r.url} via ${r.connectTo}` : r.url],
    ['Checks', checks.join(', ')],
    ['Requests', `${r.requests}: ${r.succeeded} passed, ${r.failed} failed`],
    ['Status codes', codes],
    ['Latency', `p50 ${ms(r.latency.p50Ms)}, p95 ${ms(r.latency.p95Ms)}, max ${ms(r.latency.maxMs)}`],
  ];
  if (revs) lines.push(['Revision header', revs]);
  const width = Math.max(...lines.map(([k]) => k.length)) + 1;
  let out = lines.map(([k, v]) => `${`${k}:`.padEnd(width)} ${printable(v)}`).join('\n') + '\n';
  if (r.failures.length) {
    out +=
      '\n' +
      renderTable(
        [{ header: 'count', align: 'right' }, { header: 'failure' }],
        r.failures.map((f) => [String(f.count), f.reason]),
      );
  }
  out += `\nResult: ${printable(`${r.verdict}${r.reasons.length ? ` (${r.reasons.join('; ')})` : ''}`)}\n`;
  return out;
}

/**
 * Records the outcome when the checked tag is the open rollout's candidate: a pass moves staged -> verified, a failure
 * takes an earlier pass back (verified -> staged, recorded). Annotation-only: no confirmation; a refusal only warns.
 */
async function recordOutcome(
  ctx: CommandContext,
  client: KnativeClient,
  svc: KnativeService,
  tag: string,
  failed?: string,
): Promise<string | undefined> {
  const st = readState(svc).state;
  if (!st || st.phase !== (failed === undefined ? 'staged' : 'verified') || st.candidate.tag !== tag) return undefined;
  const { updateWithRetry } = await import('../../kube/update.js');
  const planCtx = { now: ctx.now().toISOString(), actor: actorOf(ctx.io.env) };
  try {
    const res = await updateWithRetry(
      client,
      svc.metadata.name,
      (fresh) => {
        const p = plan({
          service: fresh,
          revisions: [],
          intent: { kind: 'verify', rolloutId: st.id, ...(failed === undefined ? {} : { failed }) },
          ctx: planCtx,
        });
        return p.noop
          ? 'noop'
          : { ops: buildServicePatch(fresh, p).filter((op) => op.path !== '/metadata/resourceVersion') };
      },
      { retry: { signal: ctx.signal } },
    );
    if (res.noop) return undefined;
    return failed === undefined ? `rollout ${st.id} is now verified` : `rollout ${st.id} is staged again: ${failed}`;
  } catch (err) {
    if (err instanceof CancelError || !(err instanceof BgctlError)) throw err;
    ctx.io.err.write(
      ctx.io
        .colors()
        .warn(
          `Warning: the ${failed === undefined ? 'pass' : 'failure'} was not recorded on the rollout: ` +
            printable(err.message),
        ) + '\n',
    );
    return undefined;
  }
}

/** `bgctl verify`: runs the checks, prints the result, exits 3 when they fail. */
export async function run(opts: VerifyVerbOptions, ctx: CommandContext): Promise<void> {
  const { io, globals } = ctx;
  const service = await resolveService(ctx, opts.service, 'verify');
  const client = await ctx.kube();
  const svc = await client.getService(service);
  const tag: string = opts.tag ?? defaultVerifyTag(svc);
  if (opts.tag !== undefined) validateTag(tag, service);
  const url = requireTagUrl(svc, tag);
  const label = `Verifying ${url} (tag "${tag}")`;
  const progress = await startProgress(io, label);
  let result: VerificationResult;
  try {
    result = await runVerification(ctx, service, {
      ...opts.checks,
      tag,
      service: svc,
      onProgress: io.spinnerEnabled() ? (done, total) => progress.update(`${done}/${total} requests`) : undefined,
    });
  } catch (err) {
    progress.fail(label);
    throw err;
  }
  if (result.passed) progress.succeed(`${result.succeeded}/${result.requests} requests to tag "${tag}" passed`);
  else progress.fail(`verification of tag "${tag}" failed`);

  if (globals.output === 'table') io.out.write(renderVerification(result));
  else writeDocument(io, globals.output, result);

  if (!result.passed) {
    if (opts.record) {
      const recorded = await recordOutcome(
        ctx,
        client,
        svc,
        tag,
        `verification of tag "${tag}" failed: ${result.reasons.join('; ')}`,
      );
      if (recorded) io.err.write(`${io.colors().warnIcon} Recorded: ${printable(recorded)}\n`);
    }
    throw new VerificationError(
      `verification of tag "${tag}" of service "${service}" failed: ${result.reasons.join('; ')}`,
      {
        reason: 'VerificationFailed',
        hint: `inspect the revision (bgctl revisions ${service}); to send traffic back: bgctl rollback ${service}`,
      },
    );
  }
  if (opts.record) {
    const recorded = await recordOutcome(ctx, client, svc, tag);
    if (recorded) io.err.write(`${io.colors().successIcon} Recorded: ${printable(recorded)}\n`);
  }
}
