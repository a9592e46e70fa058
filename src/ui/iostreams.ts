// The one place that decides TTY, color, prompt and spinner policy; commands never read process.stdout.isTTY or env.
import { PassThrough, Writable, type Readable } from 'node:stream';
import {
  colorSupportLoaded,
  createColorScheme,
  loadColorSupport,
  type ColorLevel,
  type ColorScheme,
} from './colors.js';
import type { CommandName } from '../core/command-name.js';

type Env = Record<string, string | undefined>;

interface TTYish {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
  getColorDepth?: (env?: Env) => number;
}

export interface SystemOptions {
  env?: Env;
  noColor?: boolean;
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
}

export interface TestOptions {
  stdinTTY?: boolean;
  stdoutTTY?: boolean;
  stderrTTY?: boolean;
  /** Color on (level 1) or off (the default, so output is stable); 'auto' applies the real env/TTY policy. */
  color?: boolean | 'auto';
  env?: Env;
  /** Terminal width reported by the fake stdout; 80 by default. */
  width?: number;
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

function ignoreClosedPipe(e: NodeJS.ErrnoException): void {
  if (e.code !== 'EPIPE') throw e;
}

/** Standard streams plus the terminal policy derived from them and the environment. */
export class IOStreams {
  #in: Readable | (() => Readable);
  readonly out: Writable;
  readonly err: Writable;
  readonly env: Env;
  /** The command as the user typed it (`bgctl`, or a plugin's `kubectl bgctl`): help and hints name it. */
  command: CommandName = 'bgctl';
  #noColorFlag: boolean;
  #colorOverride: boolean | undefined;
  #scheme: ColorScheme | undefined;

  protected constructor(
    streams: { in: Readable | (() => Readable); out: Writable; err: Writable },
    env: Env,
    noColor: boolean,
    colorOverride?: boolean,
  ) {
    this.#in = streams.in;
    this.out = streams.out;
    this.err = streams.err;
    this.env = env;
    this.#noColorFlag = noColor;
    this.#colorOverride = colorOverride;
  }

  static system(opts: SystemOptions = {}): IOStreams {
    const out = opts.stdout ?? process.stdout;
    const err = opts.stderr ?? process.stderr;
    // A reader that goes away (`bgctl status -A | head -1`) must not crash a rollout: writes to a closed pipe drop.
    for (const s of [out, err]) if (!s.listeners('error').includes(ignoreClosedPipe)) s.on('error', ignoreClosedPipe);
    return new IOStreams(
      // process.stdin is a getter that builds the stream (3–8 ms); most runs never read it.
      { in: opts.stdin ?? (() => process.stdin), out, err },
      opts.env ?? process.env,
      opts.noColor ?? false,
    );
  }

  /** In-memory streams for tests; read what was written with `stdout` / `stderr`. */
  static test(opts: TestOptions = {}): TestIOStreams {
    return new TestIOStreams(opts);
  }

  get in(): Readable {
    if (typeof this.#in === 'function') this.#in = this.#in();
    return this.#in;
  }

  setNoColor(noColor: boolean): void {
    this.#noColorFlag = noColor;
    this.#scheme = undefined;
  }

  isStdinTTY(): boolean {
    return (this.in as TTYish).isTTY === true;
  }

  isStdoutTTY(): boolean {
    return (this.out as TTYish).isTTY === true;
  }

  isStderrTTY(): boolean {
    return (this.err as TTYish).isTTY === true;
  }

  /** True when CI is set: spinners become plain lines there even on a pseudo-terminal. */
  isCI(): boolean {
    return truthy(this.env.CI);
  }

  /** Prompts need a person: stdin and stdout are terminals and BGCTL_NO_PROMPT is unset. */
  canPrompt(): boolean {
    return this.isStdinTTY() && this.isStdoutTTY() && !this.env.BGCTL_NO_PROMPT;
  }

  /** Animated progress only when both output streams are terminals and not in CI. */
  spinnerEnabled(): boolean {
    return this.isStdoutTTY() && this.isStderrTTY() && !this.isCI();
  }

  /** Box-drawing glyphs (bars, ellipsis) on a terminal; 7-bit ASCII in pipes and logs. */
  unicodeEnabled(): boolean {
    return this.isStdoutTTY() && this.env.TERM !== 'dumb';
  }

  // Color, first match wins: --no-color; FORCE_COLOR (non-zero) or CLICOLOR_FORCE on (Node's and gh's order);
  // NO_COLOR, CLICOLOR=0 or FORCE_COLOR=0 off; else color when stdout is a terminal and TERM is not "dumb".
  colorEnabled(): boolean {
    return this.colorLevel() > 0;
  }

  /** The chalk level implied by colorEnabled(); FORCE_COLOR=2|3 and the terminal's depth pick the level. */
  colorLevel(): ColorLevel {
    if (this.#noColorFlag) return 0;
    if (this.#colorOverride !== undefined) return this.#colorOverride ? 1 : 0;
    const force = this.env.FORCE_COLOR;
    if (force !== undefined && force !== '' && truthy(force)) {
      const n = Number(force);
      return n === 2 || n === 3 ? n : 1;
    }
    if (truthy(this.env.CLICOLOR_FORCE)) return 1;
    if (this.env.NO_COLOR || this.env.CLICOLOR === '0' || force === '0' || force?.toLowerCase() === 'false') return 0;
    if (!this.isStdoutTTY() || this.env.TERM === 'dumb') return 0;
    const depth =
      (this.out as TTYish).getColorDepth?.({ ...this.env, NO_COLOR: undefined, FORCE_COLOR: undefined }) ?? 4;
    return depth >= 24 ? 3 : depth >= 8 ? 2 : 1;
  }

  /** Loads the color library when the policy turns color on; main() awaits it before any output. */
  async prepareColors(): Promise<void> {
    if (this.colorLevel() > 0) await loadColorSupport();
  }

  /** The semantic color scheme for the current policy (memoised until setNoColor; plain before prepareColors). */
  colors(): ColorScheme {
    if (this.#scheme) return this.#scheme;
    const scheme = createColorScheme(this.colorLevel());
    if (this.colorLevel() === 0 || colorSupportLoaded()) this.#scheme = scheme;
    return scheme;
  }

  /** Rows of the terminal on stderr (where live views redraw); LINES or 24 when it is not a terminal. */
  terminalHeight(): number {
    const rows = (this.err as TTYish).rows;
    if (this.isStderrTTY() && typeof rows === 'number' && rows > 0) return rows;
    const env = Number(this.env.LINES);
    return Number.isInteger(env) && env > 0 ? env : 24;
  }

  /** Columns of the terminal on stdout; COLUMNS or 80 when it is not a terminal. */
  terminalWidth(): number {
    const cols = (this.out as TTYish).columns;
    if (this.isStdoutTTY() && typeof cols === 'number' && cols > 0) return cols;
    const env = Number(this.env.COLUMNS);
    return Number.isInteger(env) && env > 0 ? env : 80;
  }
}

/** A Writable that keeps everything written; with tty set it also fakes the tty.WriteStream cursor API ora uses. */
class MemoryWritable extends Writable {
  chunks: string[] = [];
  isTTY: boolean;
  columns: number;
  rows = 24;

  constructor(tty: boolean, columns: number) {
    super({ decodeStrings: false });
    this.isTTY = tty;
    this.columns = columns;
  }

  override _write(chunk: unknown, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.chunks.push(typeof chunk === 'string' ? chunk : String(chunk));
    cb();
  }

  cursorTo(x: number, cb?: () => void): boolean {
    return this.write(`\u001b[${x + 1}G`, cb);
  }

  moveCursor(dx: number, dy: number, cb?: () => void): boolean {
    const v = dy < 0 ? `\u001b[${-dy}A` : dy > 0 ? `\u001b[${dy}B` : '';
    const h = dx < 0 ? `\u001b[${-dx}D` : dx > 0 ? `\u001b[${dx}C` : '';
    return this.write(v + h, cb);
  }

  clearLine(dir: number, cb?: () => void): boolean {
    return this.write(dir < 0 ? '\u001b[1K' : dir > 0 ? '\u001b[0K' : '\u001b[2K', cb);
  }

  getColorDepth(): number {
    return 8;
  }
}

export class TestIOStreams extends IOStreams {
  constructor(opts: TestOptions) {
    const input = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };
    if (opts.stdinTTY) {
      input.isTTY = true;
      input.setRawMode = () => input;
    }
    super(
      {
        in: input,
        out: new MemoryWritable(opts.stdoutTTY ?? false, opts.width ?? 80),
        err: new MemoryWritable(opts.stderrTTY ?? false, opts.width ?? 80),
      },
      opts.env ?? {},
      false,
      opts.color === 'auto' ? undefined : (opts.color ?? false),
    );
  }

  get stdout(): string {
    return (this.out as MemoryWritable).chunks.join('');
  }

  get stderr(): string {
    return (this.err as MemoryWritable).chunks.join('');
  }

  reset(): void {
    (this.out as MemoryWritable).chunks = [];
    (this.err as MemoryWritable).chunks = [];
  }
}
