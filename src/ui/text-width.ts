// Terminal columns taken by printed text, so tables can be cut to fit: cluster strings may hold CJK, emoji or
// combining marks. The ranges are the East Asian Wide/Fullwidth blocks and emoji, coarse to stay small.

const ZERO_WIDTH = /^(?:[\p{Mn}\p{Me}\u200b\u200c\u2060\ufeff]|\u200d)$/u;
const WIDE_RANGES = [
  '\\u1100-\\u115f',
  '\\u2e80-\\u303e',
  '\\u3041-\\u33ff',
  '\\u3400-\\u4dbf',
  '\\u4e00-\\u9fff',
  '\\ua000-\\ua4cf',
  '\\uac00-\\ud7a3',
  '\\uf900-\\ufaff',
  '\\ufe30-\\ufe4f',
  '\\uff00-\\uff60',
  '\\uffe0-\\uffe6',
].join('');
const WIDE = new RegExp(`^[${WIDE_RANGES}\\p{Extended_Pictographic}]$`, 'u');
// Printable ASCII: the common case (names, URLs, images) is measured without looking at ranges.
const ASCII = /^[\x20-\x7e]*$/;

/** Columns one code point takes: 0 for combining marks and joiners, 2 for wide ones, else 1. */
function charWidth(ch: string): number {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x300) return 1;
  if (ZERO_WIDTH.test(ch)) return 0;
  // Symbols below U+2E80 other than Hangul jamo (©, ‼, arrows …) print narrow.
  if (code < 0x1100 || (code > 0x115f && code < 0x2e80)) return 1;
  return WIDE.test(ch) ? 2 : 1;
}

/** Display width of text that is printed as it is (already passed through printable()). */
export function displayWidth(s: string): number {
  if (ASCII.test(s)) return s.length;
  let w = 0;
  for (const ch of s) w += charWidth(ch);
  return w;
}

/**
 * s cut to at most width columns, marked with the ellipsis: at the end, or at the start with `from: 'start'` (images).
 * A combining mark stays with its base; a wide character that would straddle the limit is left out.
 */
export function cutToWidth(s: string, width: number, ellipsis = '…', from: 'end' | 'start' = 'end'): string {
  if (displayWidth(s) <= width) return s;
  if (width <= 0) return '';
  const mark = displayWidth(ellipsis) < width ? ellipsis : '';
  const room = width - displayWidth(mark);
  const chars = Array.from(s);
  if (from === 'start') chars.reverse();
  const kept: string[] = [];
  let used = 0;
  for (const ch of chars) {
    const w = charWidth(ch);
    if (used + w > room) break;
    kept.push(ch);
    used += w;
  }
  if (from === 'start') {
    // A combining mark whose base did not fit would sit on the ellipsis.
    while (kept.length && charWidth(kept[kept.length - 1]) === 0) kept.pop();
    return mark + kept.reverse().join('');
  }
  return kept.join('') + mark;
}
