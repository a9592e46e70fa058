// Semantic colors over a private Chalk instance: the global chalk export ignores NO_COLOR and
// guesses the level from process.stdout, so bgctl always builds its own from IOStreams' decision.
// chalk itself is loaded only when color is on (loadColorSupport): in pipes and CI logs, the
// common case for a scripted tool, it and its terminal probing never load at all.
import type { ChalkInstance } from 'chalk';

/** Chalk levels: none, 16, 256, truecolor. */
export type ColorLevel = 0 | 1 | 2 | 3;

/** Semantic styling used by every printer; with level 0 every function returns its input unchanged. */
export interface ColorScheme {
  readonly enabled: boolean;
  success(s: string): string;
  warn(s: string): string;
  fail(s: string): string;
  muted(s: string): string;
  bold(s: string): string;
  accent(s: string): string;
  /** ✓ in green when color is on. */
  readonly successIcon: string;
  /** ! in yellow when color is on. */
  readonly warnIcon: string;
  /** ✗ in red when color is on. */
  readonly failIcon: string;
}

/** Icons stay Unicode with color off: they are part of the text and golden tests pin them. */
export const Icons = { success: '✓', warn: '!', fail: '✗' } as const;

const identity = (s: string): string => s;

// With color off (pipes, NO_COLOR, CI logs: the common case) nothing is styled, so no Chalk
// instance is built and every call is a plain pass-through.
const PLAIN: ColorScheme = {
  enabled: false,
  success: identity,
  warn: identity,
  fail: identity,
  muted: identity,
  bold: identity,
  accent: identity,
  successIcon: Icons.success,
  warnIcon: Icons.warn,
  failIcon: Icons.fail,
};

let chalk: typeof import('chalk') | undefined;

/** Loads chalk once; IOStreams.prepareColors() calls it when its policy turns color on. */
export async function loadColorSupport(): Promise<void> {
  chalk ??= await import('chalk');
}

/** Whether colored schemes can be built (loadColorSupport has finished). */
export function colorSupportLoaded(): boolean {
  return chalk !== undefined;
}

/**
 * Builds the scheme for a color level (0 = no escape codes at all, and no Chalk instance). Before
 * loadColorSupport() has finished, every level gives the plain scheme: output loses its color,
 * never its text.
 */
export function createColorScheme(level: ColorLevel): ColorScheme {
  if (level <= 0 || !chalk) return PLAIN;
  const c: ChalkInstance = new chalk.Chalk({ level });
  return {
    enabled: true,
    success: (s) => c.green(s),
    warn: (s) => c.yellow(s),
    fail: (s) => c.red(s),
    muted: (s) => c.gray(s),
    bold: (s) => c.bold(s),
    accent: (s) => c.cyan(s),
    successIcon: c.green(Icons.success),
    warnIcon: c.yellow(Icons.warn),
    failIcon: c.red(Icons.fail),
  };
}

// Matches CSI and OSC escape sequences, enough for what chalk and ora emit.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/** Removes ANSI escape sequences, e.g. to measure or compare printed text. */
export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}
