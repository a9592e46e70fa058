// `--gate-query NAME=PROMQL` and the placeholders every query template (custom or preset) uses.
// Cluster strings reach PromQL only through renderQuery, which writes them as escaped string
// literals: a revision named `x"} or vector(1) #` stays a (non-matching) label value.
import { UsageError } from '../errors.js';
import { hasControlChars, quoteInput } from '../quote.js';
import { BUILTIN_MEASURES } from './types.js';
import type { CustomQuery } from './types.js';

export const MAX_QUERY_LENGTH = 4096;

/** Placeholders whose values are cluster strings: only allowed inside a double-quoted string. */
const STRING_PLACEHOLDERS = ['namespace', 'service', 'revision'] as const;
/** `{{window}}` becomes a range duration such as `300s`: only allowed outside strings. */
const PLACEHOLDERS: readonly string[] = [...STRING_PLACEHOLDERS, 'window'];

/** A custom measure's name: lowercase, digits, `-`, `_`; starts with a letter; at most 63. */
const QUERY_NAME = /^[a-z]([a-z0-9_-]{0,61}[a-z0-9])?$/;
/** Names a custom query cannot take: the built-in measures, and `stable` (the right side's keyword). */
export const RESERVED_QUERY_NAMES: readonly string[] = [...BUILTIN_MEASURES, 'stable'];

export interface QueryContext {
  namespace: string;
  service: string;
  revision: string;
  /** The analysis window in milliseconds. */
  windowMs: number;
}

/** One `--gate-query NAME=PROMQL` (the query may itself contain `=`). */
export function parseGateQuery(raw: string, where = '--gate-query'): CustomQuery {
  const eq = raw.indexOf('=');
  if (raw.length > MAX_QUERY_LENGTH + 64 || eq < 0) {
    throw new UsageError(`invalid ${where} ${quoteInput(raw)}: expected NAME=PROMQL`, {
      reason: 'InvalidGateQuery',
      hint: 'e.g. --gate-query \'errors=sum(rate(my_errors_total{revision="{{revision}}"}[{{window}}]))\'',
    });
  }
  const name = raw.slice(0, eq).trim();
  return { name: validateQueryName(name, where), template: validateTemplate(raw.slice(eq + 1).trim(), name, where) };
}

export function validateQueryName(name: string, where = '--gate-query'): string {
  if (RESERVED_QUERY_NAMES.includes(name)) {
    throw new UsageError(`invalid ${where}: ${quoteInput(name)} is a built-in name`, {
      reason: 'InvalidGateQuery',
      hint: `choose another name; reserved: ${RESERVED_QUERY_NAMES.join(', ')}`,
    });
  }
  if (!QUERY_NAME.test(name)) {
    throw new UsageError(`invalid ${where} name ${quoteInput(name)}`, {
      reason: 'InvalidGateQuery',
      hint: 'lowercase letters, digits, - and _; start with a letter, end with a letter or digit; at most 63',
    });
  }
  return name;
}

/**
 * Checks a template: bounded, no control characters but newline and tab, known placeholders,
 * cluster-string placeholders inside double quotes, `{{revision}}` present (a query that cannot
 * tell revisions apart would judge the candidate by the stable revision's traffic).
 */
export function validateTemplate(template: string, name: string, where = '--gate-query'): string {
  const fail = (why: string, hint?: string): never => {
    throw new UsageError(`invalid ${where} ${quoteInput(name)}: ${why}`, { reason: 'InvalidGateQuery', hint });
  };
  if (template === '') fail('the query is empty');
  if (template.length > MAX_QUERY_LENGTH) fail(`the query is longer than ${MAX_QUERY_LENGTH} characters`);
  if (hasControlChars(template.replace(/[\n\t]/g, ' '))) fail('the query contains control characters');
  const uses = placeholderUses(template, fail);
  if (!uses.some((u) => u.name === 'revision')) {
    fail('the query does not use {{revision}}', 'select the revision, e.g. {revision_name="{{revision}}"}');
  }
  for (const u of uses) {
    const wantsString = u.name !== 'window';
    if (wantsString && u.quote !== '"') {
      fail(`{{${u.name}}} must be inside a double-quoted string`, `write ...="{{${u.name}}}"`);
    }
    if (u.regexMatcher) {
      fail(`{{${u.name}}} is in a regex matcher (=~ or !~), where a name would be read as a pattern`, 'match with =');
    }
    if (!wantsString && u.quote !== undefined) fail('{{window}} must be outside strings, e.g. [{{window}}]');
  }
  return template;
}

interface PlaceholderUse {
  name: string;
  start: number;
  end: number;
  /** The quote of the PromQL string literal the placeholder sits in, if any. */
  quote?: string;
  /** Inside the value of a `=~`/`!~` matcher, where a name would be read as a pattern. */
  regexMatcher: boolean;
}

/** Finds `{{ name }}` uses with PromQL's string rules ("…" and '…' with escapes, `…` raw). */
function placeholderUses(template: string, fail: (why: string, hint?: string) => never): PlaceholderUse[] {
  const uses: PlaceholderUse[] = [];
  let quote: string | undefined;
  // The code outside strings and comments so far: a `#` comment between `=~` and its string hides nothing.
  let code = '';
  let regexString = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (template.startsWith('{{', i)) {
      const m = /^\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/.exec(template.slice(i, i + 64));
      if (!m) fail('a {{ without a closing }}', 'placeholders: {{namespace}} {{service}} {{revision}} {{window}}');
      const name = (m as RegExpExecArray)[1];
      if (!PLACEHOLDERS.includes(name)) {
        fail(`unknown placeholder {{${name}}}`, 'placeholders: {{namespace}} {{service}} {{revision}} {{window}}');
      }
      const end = i + (m as RegExpExecArray)[0].length;
      uses.push({ name, start: i, end, quote, regexMatcher: quote !== undefined && regexString });
      i = end - 1;
    } else if (quote !== undefined && ch === '\\' && quote !== '`') {
      i++;
    } else if (quote === undefined && (ch === '"' || ch === "'" || ch === '`')) {
      quote = ch;
      regexString = /[=!]~\s*$/.test(code);
    } else if (ch === quote) {
      quote = undefined;
      code += ch;
    } else if (quote === undefined && ch === '#') {
      // A comment runs to the end of the line; a quote in it ("don't") opens no string.
      const nl = template.indexOf('\n', i);
      i = nl < 0 ? template.length : nl;
      code += ' ';
    } else if (quote === undefined) {
      code += ch;
    }
  }
  if (quote !== undefined) fail(`an unterminated ${quote} string`);
  return uses;
}

/** A string as the inside of a double-quoted PromQL string literal (Go escapes). */
export function escapePromQLString(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\\"\u0000-\u001f\u007f]/g, (ch) => {
    if (ch === '\\' || ch === '"') return `\\${ch}`;
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/** A window as a PromQL range duration in whole seconds (at least 1s), e.g. 300000 → `300s`. */
export function windowToPromQL(windowMs: number): string {
  if (!Number.isFinite(windowMs) || windowMs <= 0) throw new RangeError(`window must be positive, got ${windowMs}`);
  return `${Math.max(1, Math.ceil(windowMs / 1000))}s`;
}

/** The template with its placeholders filled in; templates must have passed validateTemplate. */
export function renderQuery(template: string, ctx: QueryContext): string {
  const values: Record<string, string> = {
    namespace: escapePromQLString(ctx.namespace),
    service: escapePromQLString(ctx.service),
    revision: escapePromQLString(ctx.revision),
    window: windowToPromQL(ctx.windowMs),
  };
  return template.replace(/\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}
