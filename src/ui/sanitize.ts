// Strings from the cluster (names, images, messages, tags, the recorded actor) or from an HTTP
// answer reach the terminal through printers; a control character in one could clear the screen,
// set the window title, move the cursor or forge a table row. Every printer passes such values
// through printable() before coloring them (bgctl's own color codes are added afterwards), on a
// terminal and in pipes alike. JSON and YAML documents are left alone: their encoders escape
// control characters themselves.

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

/**
 * The string with every control character shown as a visible escape, as kubectl quotes them:
 * ESC → `\x1b`, BEL → `\x07`, LF → `\n`, CR → `\r`, TAB → `\t`, U+202E → `\u202e`. The result is
 * one line that cannot move the cursor or change the terminal. Backslashes are kept as they are.
 */
export function printable(s: string): string {
  return s.replace(UNSAFE, escape);
}
