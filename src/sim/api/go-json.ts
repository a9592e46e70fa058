// The syntax errors of Go's encoding/json scanner (which sigs.k8s.io/json, the apiserver's decoder,
// keeps): a client that sends broken JSON reads the same 400 text here as from a real apiserver.

import { goQuote } from './go-strings.js';

/** Go's quoteChar: the offending byte as `'c'`, escaped as strconv.Quote escapes it. */
function quoteByte(b: number): string {
  if (b === 0x27) return "'\\''";
  if (b === 0x22) return `'"'`;
  return `'${goQuote(String.fromCodePoint(b)).slice(1, -1)}'`;
}

const isSpace = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;
const isHex = (b: number): boolean => isDigit(b) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46);

class Syntax extends Error {}

/**
 * The scanner's first error for `text` (`invalid character 'x' after object key`, `unexpected end
 * of JSON input`, `… exceeded max depth` past `maxDepth` nested values), or undefined when valid.
 */
export function goJsonSyntaxError(text: string, maxDepth: number): string | undefined {
  const s = Buffer.from(text, 'utf8');
  let i = 0;
  const fail = (what: string): never => {
    throw new Syntax(`invalid character ${quoteByte(s[i])} ${what}`);
  };
  const need = (): number => {
    if (i >= s.length) throw new Syntax('unexpected end of JSON input');
    return s[i];
  };
  const skipSpace = (): void => {
    while (i < s.length && isSpace(s[i])) i++;
  };
  const literal = (word: string): void => {
    for (let k = 1; k < word.length; k++) {
      i++;
      if (need() !== word.charCodeAt(k)) fail(`in literal ${word} (expecting ${quoteByte(word.charCodeAt(k))})`);
    }
    i++;
  };
  const string = (): void => {
    i++; // the opening quote
    for (;;) {
      const c = need();
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail('in string literal');
      if (c === 0x5c) {
        i++;
        const e = need();
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            i++;
            if (!isHex(need())) fail('in \\u hexadecimal character escape');
          }
        } else if (!'bfnrt\\/"'.includes(String.fromCharCode(e))) fail('in string escape code');
      }
      i++;
    }
  };
  // Numbers end at the first byte that cannot continue them; the caller judges that byte.
  const number = (): void => {
    if (s[i] === 0x2d) {
      i++;
      if (!isDigit(need())) fail('in numeric literal');
    }
    if (s[i] === 0x30) i++;
    else while (i < s.length && isDigit(s[i])) i++;
    if (i < s.length && s[i] === 0x2e) {
      i++;
      if (!isDigit(need())) fail('after decimal point in numeric literal');
      while (i < s.length && isDigit(s[i])) i++;
    }
    if (i < s.length && (s[i] === 0x65 || s[i] === 0x45)) {
      i++;
      if (need() === 0x2b || s[i] === 0x2d) i++;
      if (!isDigit(need())) fail('in exponent of numeric literal');
      while (i < s.length && isDigit(s[i])) i++;
    }
  };
  const value = (depth: number): void => {
    skipSpace();
    const c = need();
    if (c === 0x7b || c === 0x5b) {
      if (depth + 1 > maxDepth) fail('exceeded max depth');
      i++;
      skipSpace();
      const close = c === 0x7b ? 0x7d : 0x5d;
      if (need() === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === 0x7b) {
          skipSpace();
          if (need() !== 0x22) fail('looking for beginning of object key string');
          string();
          skipSpace();
          if (need() !== 0x3a) fail('after object key');
          i++;
        }
        value(depth + 1);
        skipSpace();
        const next = need();
        if (next === close) {
          i++;
          return;
        }
        if (next !== 0x2c) fail(c === 0x7b ? 'after object key:value pair' : 'after array element');
        i++;
      }
    }
    if (c === 0x22) string();
    else if (c === 0x2d || isDigit(c)) number();
    else if (c === 0x74) literal('true');
    else if (c === 0x66) literal('false');
    else if (c === 0x6e) literal('null');
    else fail('looking for beginning of value');
  };
  try {
    value(0);
    skipSpace();
    if (i < s.length) fail('after top-level value');
    return undefined;
  } catch (err) {
    if (err instanceof Syntax) return err.message;
    throw err;
  }
}
