// The rollout's flags, parsed strictly before anything is read or written (exit 2, nothing written).
import { UsageError } from '../../core/errors.js';
import { parseDuration, parseEnvList, parseSteps, type EnvChange } from '../../core/parse.js';
import { validateRevisionName, validateTag } from '../../core/names.js';
import { parsePath, parseVerifyFlags, type VerifyFlags } from '../../core/verify.js';
import type { WriteFlags } from '../traffic-step/write-flags.js';
import { parseAnnotations } from '../traffic-step/annotations.js';

import type { UntilPhase } from '../../core/phase-table.js';

/** Phases --until accepts (core/phase-table.ts). */
export type { UntilPhase };

/** The HTTP checks of the tag URL, as typed (verify's own parser validates them). */
export interface VerifySettings {
  path?: string;
  expectStatus?: string;
  expectBody?: string;
  requests?: string;
  maxLatency?: string;
  ingress?: string;
}

/** Everything `bgctl rollout` was asked to do. */
export interface RolloutOptions {
  image?: string;
  env: EnvChange[];
  /** The raw --env values, for the equivalent command lines. */
  envRaw: string[];
  /** Template annotations of the new revision (null removes). */
  annotations: Record<string, string | null>;
  annotationRaw: string[];
  revision?: string;
  tag?: string;
  stableTag?: string;
  previousTag?: string;
  retire: boolean;
  steps: number[];
  /** Pause between traffic steps, in ms. */
  pauseMs: number;
  verify: VerifySettings;
  noVerify: boolean;
  rollbackOnFailure: boolean;
  until: UntilPhase;
  resume: boolean;
  abort: boolean;
  takeOver: boolean;
  write: WriteFlags;
}

/** The settings in the shape runVerification takes (--verify-path is verify's --path). */
export function verifyFlags(v: VerifySettings): VerifyFlags {
  const f: VerifyFlags = {};
  if (v.path !== undefined) f.path = v.path;
  if (v.expectStatus !== undefined) f.expectStatus = v.expectStatus;
  if (v.expectBody !== undefined) f.expectBody = v.expectBody;
  if (v.requests !== undefined) f.requests = v.requests;
  if (v.maxLatency !== undefined) f.maxLatency = v.maxLatency;
  if (v.ingress !== undefined) f.ingress = v.ingress;
  return f;
}

/** Parses commander's opts for `rollout`; throws UsageError naming the flag. */
export function parseRolloutOptions(opts: Record<string, any>): RolloutOptions {
  const envRaw: string[] = opts.env ?? [];
  const out: RolloutOptions = {
    image: opts.image,
    env: parseEnvList(envRaw),
    envRaw,
    annotations: parseAnnotations(opts.annotation ?? []),
    annotationRaw: opts.annotation ?? [],
    revision: opts.revision === undefined ? undefined : validateRevisionName(opts.revision),
    tag: opts.tag === undefined ? undefined : validateTag(opts.tag),
    stableTag: opts.stableTag === undefined ? undefined : validateTag(opts.stableTag),
    previousTag: opts.previousTag === undefined ? undefined : validateTag(opts.previousTag),
    retire: opts.retire === true,
    steps: parseSteps(opts.steps ?? '50,100'),
    pauseMs: opts.pause === undefined ? 0 : parseDuration(opts.pause, '--pause'),
    verify: {
      path: opts.verifyPath,
      expectStatus: opts.expectStatus,
      expectBody: opts.expectBody,
      requests: opts.requests,
      maxLatency: opts.maxLatency,
      ingress: opts.ingress,
    },
    noVerify: opts.verify === false,
    rollbackOnFailure: opts.rollback !== false,
    until: opts.until ?? 'promoted',
    resume: opts.resume === true,
    abort: opts.abort === true,
    takeOver: opts.takeOver === true,
    write: { dryRun: opts.dryRun, yes: opts.yes === true, wait: opts.wait !== false, timeout: opts.timeout ?? '5m' },
  };
  parseDuration(out.write.timeout, '--timeout');
  // The same parser verify uses, so a bad value fails here, before the rollout writes anything.
  if (out.verify.path !== undefined) parsePath(out.verify.path, '--verify-path');
  parseVerifyFlags(verifyFlags(out.verify));
  if (out.resume && out.abort) throw new UsageError('pass either --resume or --abort, not both', { reason: 'ConflictingFlags' });
  const changes = out.image !== undefined || out.env.length > 0 || out.revision !== undefined || out.annotationRaw.length > 0;
  if ((out.resume || out.abort) && changes) {
    throw new UsageError(`--${out.resume ? 'resume' : 'abort'} works on the recorded rollout; drop --image, --env, --annotation and --revision`, { reason: 'ConflictingFlags' });
  }
  if (out.revision !== undefined && (out.image !== undefined || out.env.length > 0 || out.annotationRaw.length > 0)) {
    throw new UsageError('pass either --revision (an existing revision) or --image/--env/--annotation (a new one), not both', { reason: 'ConflictingFlags' });
  }
  if (!out.write.wait) {
    throw new UsageError('bgctl rollout waits for each step before the next; use the step commands (deploy, stage, split, promote) with --no-wait', { reason: 'ConflictingFlags' });
  }
  if (out.tag && out.stableTag && out.tag === out.stableTag) throw new UsageError(`--tag and --stable-tag must differ (both "${out.tag}")`, { reason: 'SameTags' });
  return out;
}
