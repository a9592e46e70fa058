// What a benchmark suite produces, and how it is printed: medians per case, A/B ratios per pair
// against their targets, absolute limits (peak RSS, seconds, milliseconds).
import { median, relativeSpread } from './measure.js';

/** The samples of one case (one command or one procedure), one entry per measured round. */
export interface CaseStats {
  label: string;
  wallMs: number[];
  cpuMs: number[];
  maxRssMb: number[];
  requests: number[];
}

export type Metric = 'wallMs' | 'cpuMs' | 'maxRssMb' | 'requests';

/** A ratio of medians, A/B, with the target it must stay under (if any). */
export interface Pair {
  a: string;
  b: string;
  metric: Metric;
  target?: number;
}

/** An absolute bound on a median or a maximum. */
export interface Limit {
  what: string;
  value: number;
  unit: string;
  limit: number;
}

export interface SuiteResult {
  name: string;
  title: string;
  cases: CaseStats[];
  pairs: Pair[];
  limits: Limit[];
  notes: string[];
}

/** An empty CaseStats for label. */
export function newCase(label: string): CaseStats {
  return { label, wallMs: [], cpuMs: [], maxRssMb: [], requests: [] };
}

/** The median of a case's metric (NaN when it was not measured). */
export function med(c: CaseStats, m: Metric): number {
  return median(c[m].filter((x) => Number.isFinite(x)));
}

/** A/B of the medians. */
export function ratio(s: SuiteResult, p: Pair): number {
  const a = s.cases.find((c) => c.label === p.a);
  const b = s.cases.find((c) => c.label === p.b);
  return a && b ? med(a, p.metric) / med(b, p.metric) : NaN;
}

const fmt = (x: number, digits = 0): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');
const METRIC_NAME: Record<Metric, string> = {
  wallMs: 'wall',
  cpuMs: 'CPU',
  maxRssMb: 'peak RSS',
  requests: 'API requests',
};

/** A plain-text (and Markdown-compatible) rendering of one suite. */
export function renderSuite(s: SuiteResult): string {
  const lines = [
    `### ${s.title}`,
    '',
    '| case | runs | wall median ms | spread | CPU median ms | peak RSS MB | API requests |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const c of s.cases) {
    const rss = c.maxRssMb.filter(Number.isFinite);
    const cells = [
      c.label,
      String(c.wallMs.length),
      fmt(med(c, 'wallMs')),
      `${fmt(relativeSpread(c.wallMs) * 100)}%`,
      fmt(med(c, 'cpuMs')),
      rss.length ? fmt(Math.max(...rss), 1) : '-',
      c.requests.length ? fmt(med(c, 'requests')) : '-',
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  if (s.pairs.length) {
    lines.push('', '| ratio | of | value | target | |', '|---|---|---|---|---|');
    for (const p of s.pairs) {
      const r = ratio(s, p);
      const verdict =
        p.target === undefined ? '' : r <= p.target ? 'met' : `missed by ${fmt((r / p.target - 1) * 100)}%`;
      const target = p.target === undefined ? '-' : `≤ ${p.target}`;
      lines.push(`| ${p.a} / ${p.b} | ${METRIC_NAME[p.metric]} | ${fmt(r, 2)} | ${target} | ${verdict} |`);
    }
  }
  if (s.limits.length) {
    lines.push('', '| bound | value | limit | |', '|---|---|---|---|');
    for (const l of s.limits) {
      const verdict = l.value <= l.limit ? 'met' : `missed by ${fmt((l.value / l.limit - 1) * 100)}%`;
      lines.push(
        `| ${l.what} | ${fmt(l.value, l.unit === 'ms' ? 0 : 1)} ${l.unit} | ≤ ${l.limit} ${l.unit} | ${verdict} |`,
      );
    }
  }
  for (const n of s.notes) lines.push('', n);
  return lines.join('\n') + '\n';
}
