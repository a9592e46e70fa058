// Small parsers shared by the read verbs' flags.
import { UsageError } from '../../core/errors.js';
import { quoteInput } from '../../core/quote.js';

/** `--chunk-size N` (kubectl's name): items per LIST page, 1..10000. */
export function parseChunkSize(raw: string | number | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 10_000) {
    throw new UsageError(
      `invalid value ${quoteInput(String(raw))} for --chunk-size: must be a whole number from 1 to 10000`,
      {
        reason: 'InvalidChunkSize',
      },
    );
  }
  return n;
}
