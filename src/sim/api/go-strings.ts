// Go's string quoting as the apiserver's messages and headers use it: strconv.Quote (`%q`) and the
// `Warning` header of k8s.io/apimachinery/pkg/util/net (NewWarningHeader) with the apiserver's warning
// recorder (k8s.io/apiserver/pkg/endpoints/filters/warning.go: dedupe, size bound, truncation).

// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space only.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const SHORT_ESCAPES: Record<number, string> = {
  7: '\\a',
  8: '\\b',
  9: '\\t',
  10: '\\n',
  11: '\\v',
  12: '\\f',
  13: '\\r',
};

const isSurrogate = (cp: number): boolean => cp >= 0xd800 && cp <= 0xdfff;

/** Go's strconv.Quote: `"` and `\` escaped, non-printable runes as \a…\v, \xNN, \uNNNN or \UNNNNNNNN. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (SHORT_ESCAPES[cp]) out += SHORT_ESCAPES[cp];
    else if (cp < 0x80) out += '\\x' + cp.toString(16).padStart(2, '0');
    // A lone surrogate cannot come out of Go's JSON decoder: it holds U+FFFD there.
    else if (isSurrogate(cp)) out += '\ufffd';
    else if (PRINTABLE.test(ch)) out += ch;
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

// unicode.IsControl: C0, DEL and C1.
const isControl = (cp: number): boolean => cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
const hasControl = (s: string): boolean => [...s].some((ch) => isControl(ch.codePointAt(0)!));
const hasLoneSurrogate = (s: string): boolean => [...s].some((ch) => isSurrogate(ch.codePointAt(0)!));

/**
 * NewWarningHeader(299, "-", text): only `"` and `\` are escaped, the rest goes as UTF-8 bytes (returned
 * as a latin1 string, which is how Node writes header bytes). Undefined where Go refuses the text
 * (a control character or invalid UTF-8): the recorder then drops the warning without a word.
 */
export function warningHeaderValue(text: string): string | undefined {
  if (hasControl(text) || hasLoneSurrogate(text)) return undefined;
  const quoted = '"' + text.replace(/["\\]/g, (c) => '\\' + c) + '"';
  return Buffer.from(`299 - ${quoted}`, 'utf8').toString('latin1');
}

const TRUNCATE_AT_TOTAL_RUNES = 4 * 1024;
const TRUNCATE_ITEM_RUNES = 256;

/**
 * The `Warning` header values of one response, as the apiserver's recorder writes them: empty and
 * repeated texts skipped; once the texts pass 4096 runes in all, every one is cut to 256 runes and
 * those that still do not fit are left out.
 */
export function warningHeaders(texts: readonly string[]): string[] {
  const seen = new Set<string>();
  const ordered: string[] = [];
  let headers: string[] = [];
  let written = 0;
  let truncating = false;
  const cut = (t: string): string[] => {
    const runes = [...t];
    return runes.length > TRUNCATE_ITEM_RUNES ? runes.slice(0, TRUNCATE_ITEM_RUNES) : runes;
  };
  for (const original of texts) {
    if (!original || (truncating && written >= TRUNCATE_AT_TOTAL_RUNES) || seen.has(original)) continue;
    seen.add(original);
    ordered.push(original);
    const runes = truncating ? cut(original) : [...original];
    const header = warningHeaderValue(runes.join(''));
    if (header === undefined) continue;
    if (written + runes.length <= TRUNCATE_AT_TOTAL_RUNES || truncating) {
      written += runes.length;
      headers.push(header);
      continue;
    }
    truncating = true;
    written = 0;
    headers = [];
    for (const t of ordered) {
      const r = cut(t);
      const h = warningHeaderValue(r.join(''));
      if (h !== undefined) {
        written += r.length;
        headers.push(h);
      }
    }
  }
  return headers;
}
