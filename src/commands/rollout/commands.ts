// The non-interactive command equivalent to each wizard step, so the wizard teaches the CLI.
import type { GateSet } from '../../core/gates/file.js';
import type { Intent } from '../../core/plan-types.js';
import { hasControlChars, UNSAFE } from '../../core/quote.js';
import { displayUrl } from '../../core/redact.js';
import type { VerifySettings } from './options.js';

/**
 * Quotes a word for a POSIX shell when it needs it. A word with a newline or another control character (a
 * multi-line query of a gates file) is written $'…' with escapes: printed raw it would drive the terminal,
 * escaped inside '…' the shell would pass the backslashes on.
 */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  if (!hasControlChars(word)) return `'${word.replace(/'/g, `'\\''`)}'`;
  const named: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\\': '\\\\', "'": "\\'" };
  const escape = (ch: string) => {
    const code = ch.charCodeAt(0);
    return (
      named[ch] ??
      (code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`)
    );
  };
  return `$'${word.replace(/[\\']/g, escape).replace(UNSAFE, escape)}'`;
}

function line(verb: string, service: string, namespace: string | undefined, args: Array<string | undefined>): string {
  const words = [
    'bgctl',
    verb,
    service,
    ...(namespace ? ['-n', namespace] : []),
    ...args.filter((a): a is string => a !== undefined),
  ];
  return words.map((w, i) => (i < 2 ? w : shellQuote(w))).join(' ');
}

/** A split judged by metric gates: `split --pause` with the same gates is its equivalent. */
export interface JudgedSplit {
  pauseMs: number;
  gates: GateSet;
  intervalMs: number;
  /** Shown without its user:password; a token from the environment is never part of a command. */
  prometheus?: string;
}

/** Extra context an intent alone does not carry (env as typed). */
export interface CommandExtras {
  envRaw?: string[];
  annotationRaw?: string[];
  judged?: JudgedSplit;
}

/** A whole number of hours, minutes, seconds or milliseconds, as --pause reads it back. */
export function durationWord(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const)
    if (ms > 0 && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function judgedWords(j: JudgedSplit | undefined): string[] {
  if (!j) return [];
  return [
    '--pause',
    durationWord(j.pauseMs),
    ...(j.prometheus !== undefined ? ['--prometheus', displayUrl(j.prometheus)] : []),
    ...j.gates.queries.flatMap((q) => ['--gate-query', `${q.name}=${q.template}`]),
    ...j.gates.gates.flatMap((g) => ['--gate', g.text]),
    '--gate-interval',
    durationWord(j.intervalMs),
  ];
}

/** `bgctl split hello --percent 50 --yes` for a split intent, and so on for every step. */
export function equivalentCommand(
  intent: Intent,
  service: string,
  namespace?: string,
  extras: CommandExtras = {},
): string {
  const flag = (name: string, value: string | number | undefined) => (value === undefined ? [] : [name, String(value)]);
  switch (intent.kind) {
    case 'pin':
      return line('pin', service, namespace, [...flag('--revision', intent.revision), '--yes']);
    case 'deploy':
      return line('deploy', service, namespace, [
        ...flag('--image', intent.image),
        ...(extras.envRaw ?? []).flatMap((e) => ['--env', e]),
        ...(extras.annotationRaw ?? []).flatMap((a) => ['--annotation', a]),
        ...flag('--tag', intent.tag),
        ...flag('--stable-tag', intent.stableTag),
        ...(intent.takeOver ? ['--take-over'] : []),
        '--yes',
      ]);
    case 'stage':
      return line('stage', service, namespace, [
        ...flag('--tag', intent.tag),
        ...flag('--revision', intent.revision),
        ...(intent.takeOver ? ['--take-over'] : []),
        '--yes',
      ]);
    case 'verify':
      return line('verify', service, namespace, []);
    case 'split':
      return line('split', service, namespace, [
        ...flag('--percent', intent.percent),
        ...judgedWords(extras.judged),
        '--yes',
      ]);
    case 'promote':
      return line('promote', service, namespace, [
        ...(intent.retire ? ['--retire'] : flag('--previous-tag', intent.previousTag)),
        '--yes',
      ]);
    case 'rollback':
      return line('rollback', service, namespace, ['--yes']);
    case 'abort':
      return line('rollout', service, namespace, ['--abort', '--yes']);
    case 'cleanup':
      return line('cleanup', service, namespace, ['--yes']);
  }
}

/** `bgctl verify hello --tag candidate --path /healthz …` with only the non-default checks. */
export function verifyCommand(service: string, namespace: string | undefined, tag: string, v: VerifySettings): string {
  return line('verify', service, namespace, [
    '--tag',
    tag,
    ...(v.path !== undefined ? ['--path', v.path] : []),
    ...(v.expectStatus !== undefined ? ['--expect-status', v.expectStatus] : []),
    ...(v.expectBody !== undefined ? ['--expect-body', v.expectBody] : []),
    ...(v.requests !== undefined ? ['--requests', v.requests] : []),
    ...(v.maxLatency !== undefined ? ['--max-latency', v.maxLatency] : []),
    ...(v.ingress !== undefined ? ['--ingress', v.ingress] : []),
  ]);
}

/** `bgctl rollout hello --resume --yes` (without --yes: the wizard): how to continue a paused or interrupted one. */
export function resumeCommand(service: string, namespace?: string, opts: { wizard?: boolean } = {}): string {
  return line('rollout', service, namespace, opts.wizard ? ['--resume'] : ['--resume', '--yes']);
}

/** The hint of a paused rollout: the wizard's way back first when the pause came from a prompt. */
export function resumeHint(service: string, namespace: string | undefined, wizard: boolean): string {
  const unattended = resumeCommand(service, namespace);
  return wizard
    ? `continue with: ${resumeCommand(service, namespace, { wizard })} (the wizard), or unattended: ${unattended}`
    : `continue with: ${unattended}`;
}
