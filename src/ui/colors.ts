// Semantic colors over a private Chalk instance (the global chalk ignores NO_COLOR and guesses from process.stdout).
// chalk is loaded only when color is on: in pipes and CI logs it never loads at all.
import type { ChalkInstance } from 'chalk';

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
  readonly successIcon: string;
  readonly warnIcon: string;
  readonly failIcon: string;
}

/** Icons stay Unicode with color off: they are part of the text and golden tests pin them. */
export const Icons = { success: '✓', warn: '!', fail: '✗' } as const;

const identity = (s: string): string => s;

// With color off (the common case) no Chalk instance is built: every call is a pass-through.
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

/** The scheme for a color level (0: no escapes); plain until loadColorSupport() finished: color lost, never text. */
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

// CSI and OSC escape sequences, enough for what chalk and ora emit.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/** Removes ANSI escape sequences, e.g. to measure or compare printed text. */
export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}
