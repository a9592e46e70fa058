// Cluster and HTTP strings reach the terminal through printers; a control character could clear the screen, set the
// title or forge a table row. Printers pass them through printable() before coloring, on a terminal and in pipes;
// JSON and YAML encoders escape control characters themselves.

// C0 (incl. TAB, LF, CR, ESC), DEL, C1, and the Unicode marks that reorder or break lines:
// ALM, LRM/RLM, line/paragraph separators, bidi embeddings/overrides and isolates.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Control characters shown as visible escapes, as kubectl does (ESC → `\x1b`, U+202E → `\u202e`): one inert line. */
export function printable(s: string): string {
  return s.replace(UNSAFE, escape);
}
