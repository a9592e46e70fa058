// The streams of one target of a fleet: stdout kept in memory (the target's RolloutResult document, read back by
// the fleet), stderr handed over line by line (prefixed and shown with --verbose, dropped otherwise). Never a
// terminal, so nothing prompts, animates or redraws inside a target.
import { Readable, Writable } from 'node:stream';
import { IOStreams } from './iostreams.js';

class Collect extends Writable {
  text = '';
  override _write(chunk: unknown, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.text += typeof chunk === 'string' ? chunk : String(chunk);
    cb();
  }
}

class Lines extends Writable {
  #partial = '';
  constructor(private readonly onLine: (line: string) => void) {
    super({ decodeStrings: false });
  }
  override _write(chunk: unknown, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const parts = (this.#partial + (typeof chunk === 'string' ? chunk : String(chunk))).split('\n');
    this.#partial = parts.pop() ?? '';
    for (const line of parts) if (line.trim() !== '') this.onLine(line);
    cb();
  }
}

export class CapturedIOStreams extends IOStreams {
  constructor(env: Record<string, string | undefined>, onErrLine: (line: string) => void) {
    super({ in: () => Readable.from([]), out: new Collect(), err: new Lines(onErrLine) }, env, true, false);
  }

  /** Everything written to stdout so far. */
  get stdout(): string {
    return (this.out as Collect).text;
  }
}
