// A strict reader of Prometheus text exposition format 0.0.4 for the playground's /metrics: every line must be a
// HELP, a TYPE or a well-formed sample of the family last declared, and histograms must be consistent.
import assert from 'node:assert/strict';

/** One sample line. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One metric family. */
export interface Family {
  name: string;
  help: string;
  type: string;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
const VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const SAMPLE = new RegExp(`^(${NAME})(\\{(?:${LABEL}=${VALUE}(?:,${LABEL}=${VALUE})*)?\\})? (\\S+)$`);
const PAIR = new RegExp(`(${LABEL})=(${VALUE})`, 'g');

function unescape(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseValue(raw: string): number {
  if (raw === '+Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  if (raw === 'NaN') return NaN;
  assert.match(raw, /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i, `a float: ${raw}`);
  return Number(raw);
}

/** Parses the whole text, asserting the format; returns the families in order. */
export function parseExposition(text: string): Family[] {
  assert.ok(text.endsWith('\n'), 'the text ends with a line feed');
  const families: Family[] = [];
  let current: Family | undefined;
  for (const line of text.slice(0, -1).split('\n')) {
    const help = line.match(new RegExp(`^# HELP (${NAME}) (.*)$`));
    const type = line.match(new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`));
    if (help) {
      assert.ok(!families.some((f) => f.name === help[1]), `family ${help[1]} declared once`);
      current = { name: help[1], help: help[2], type: '', samples: [] };
      families.push(current);
    } else if (type) {
      assert.equal(type[1], current?.name, 'TYPE follows the HELP of the same family');
      assert.equal(current!.samples.length, 0, 'TYPE comes before the samples');
      current!.type = type[2];
    } else {
      const m = line.match(SAMPLE);
      assert.ok(m, `a well-formed sample line: ${JSON.stringify(line)}`);
      assert.ok(current?.type, `sample after a TYPE: ${line}`);
      const suffixes = current.type === 'histogram' ? ['_bucket', '_sum', '_count'] : [''];
      assert.ok(
        suffixes.some((s) => m[1] === current!.name + s),
        `${m[1]} belongs to family ${current.name}`,
      );
      const labels: Record<string, string> = {};
      for (const [, k, v] of (m[2] ?? '').matchAll(PAIR)) {
        assert.ok(!(k in labels), `label ${k} once in ${line}`);
        labels[k] = unescape(v);
      }
      current.samples.push({ name: m[1], labels, value: parseValue(m[3]) });
    }
  }
  return families;
}

/** A histogram series: its labels without `le`, buckets in order, sum and count. */
export interface HistogramSeries {
  labels: Record<string, string>;
  buckets: Array<{ le: number; count: number }>;
  sum: number;
  count: number;
}

const keyOf = (labels: Record<string, string>): string =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));

/** Groups a histogram family into series and asserts each is consistent (cumulative buckets, +Inf = count). */
export function histogramSeries(f: Family): HistogramSeries[] {
  assert.equal(f.type, 'histogram');
  const byKey = new Map<string, HistogramSeries>();
  for (const s of f.samples) {
    const { le, ...labels } = s.labels;
    const k = keyOf(labels);
    let h = byKey.get(k);
    if (!h) byKey.set(k, (h = { labels, buckets: [], sum: NaN, count: NaN }));
    if (s.name.endsWith('_bucket')) {
      assert.ok(le !== undefined, 'a bucket has le');
      h.buckets.push({ le: parseValue(le), count: s.value });
    } else if (s.name.endsWith('_sum')) h.sum = s.value;
    else h.count = s.value;
  }
  for (const h of byKey.values()) {
    assert.ok(h.buckets.length > 1, 'buckets');
    for (let i = 1; i < h.buckets.length; i++) {
      assert.ok(h.buckets[i].le > h.buckets[i - 1].le, 'le increases');
      assert.ok(h.buckets[i].count >= h.buckets[i - 1].count, 'buckets are cumulative');
    }
    assert.equal(h.buckets.at(-1)!.le, Infinity, 'the last bucket is +Inf');
    assert.equal(h.buckets.at(-1)!.count, h.count, '+Inf bucket equals _count');
    assert.ok(Number.isInteger(h.count) && h.sum >= 0, 'count and sum present');
    if (h.count === 0) assert.equal(h.sum, 0);
  }
  return [...byKey.values()];
}

/** The family named `name`. */
export function family(families: Family[], name: string): Family {
  const f = families.find((x) => x.name === name);
  assert.ok(f, `family ${name} in ${families.map((x) => x.name).join(', ')}`);
  return f;
}
