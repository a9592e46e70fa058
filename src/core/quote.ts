// Values from flags, files and the environment that an error message quotes. The quote
// is bounded and shows control characters as escapes, so a hostile or pasted value can neither
// flood the terminal nor drive it, whatever printer the message later goes through.

/** Longest part of an input an error message repeats. */
export const QUOTE_LIMIT = 100;

// C0, DEL, C1 and the Unicode marks that reorder or break lines (as src/ui/sanitize.ts lists them); global.
// eslint-disable-next-line no-control-regex
export const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Whether a string holds a character the quote would escape. */
export function hasControlChars(s: string): boolean {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(s);
}

function escapeChar(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `"text"`, cut after QUOTE_LIMIT characters with `…`, control characters as `\xNN`/`\uNNNN`. */
export function quoteInput(raw: string): string {
  // By code points, so the cut never splits a surrogate pair into a lone half.
  const points = Array.from(raw.slice(0, (QUOTE_LIMIT + 1) * 2)).slice(0, QUOTE_LIMIT + 1);
  const cut = points.length > QUOTE_LIMIT ? `${points.slice(0, QUOTE_LIMIT).join('')}…` : raw;
  return `"${cut.replace(UNSAFE, escapeChar)}"`;
}
