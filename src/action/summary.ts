// The job summary (Markdown for $GITHUB_STEP_SUMMARY): the outcome, the traffic before and after,
// the checks of the tag URL, the gates' analysis windows and the URLs. Every value from the cluster
// is escaped: GitHub renders the summary as Markdown with HTML.
import { printable } from '../ui/sanitize.js';
import type { AnalysisWindowDoc, RolloutResultDoc, TrafficRow, VerificationDoc } from './documents.js';

/** Plain text in Markdown (and in a table cell): no markup, no HTML, one line. */
export function md(s: string | number | undefined | null): string {
  if (s === undefined || s === null || s === '') return '-';
  return (
    printable(String(s))
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // Links and images need `[`, code `` ` ``, emphasis `*`/`_`, headings `#`, cells `|`, strike `~`.
      .replace(/([\\`*_[\]#|~])/g, '\\$1')
  );
}

export interface SummaryInput {
  service: string;
  namespace?: string;
  exitCode: number;
  before?: TrafficRow[];
  /** The result's traffic, else the service's as read after the run. */
  after?: TrafficRow[];
  result?: RolloutResultDoc;
  error?: { message?: string; hint?: string };
}

function trafficTable(rows: TrafficRow[] | undefined): string[] {
  if (!rows) return ['_not read_', ''];
  if (rows.length === 0) return ['_no traffic targets_', ''];
  return [
    '| Revision | Tag | Percent |',
    '|---|---|---:|',
    ...rows.map(
      (r) => `| ${md(r.revisionName)}${r.latestRevision ? ' (latest)' : ''} | ${md(r.tag)} | ${md(r.percent ?? 0)}% |`,
    ),
    '',
  ];
}

function checksTable(checks: VerificationDoc[]): string[] {
  if (checks.length === 0) return ['_no verification in this run_', ''];
  return [
    '| Revision | URL | Verdict | Requests | Failed | p95 | Reasons |',
    '|---|---|---|---:|---:|---:|---|',
    ...checks.map((v) => {
      const reasons = [...(v.reasons ?? []), ...(v.failures ?? []).map((f) => `${f.count}× ${f.reason}`)];
      const p95 = v.latency?.p95Ms === undefined ? undefined : `${v.latency.p95Ms} ms`;
      return (
        `| ${md(v.revisionName)} | ${md(v.url)} | ${md(v.verdict)} | ${md(v.requests)} | ${md(v.failed)} | ` +
        `${md(p95)} | ${reasons.length ? reasons.map(md).join('<br>') : '-'} |`
      );
    }),
    '',
  ];
}

function gatesTable(windows: AnalysisWindowDoc[] | undefined): string[] {
  if (!windows?.length) return ['_no metric gates in this run_', ''];
  return [
    '| Level | Candidate | Verdict | Evaluations | Gates |',
    '|---|---|---|---:|---|',
    ...windows.map((w) => {
      const level = w.percent > 0 ? `${w.percent}%` : 'synthetic load at 0%';
      const gates = w.gates.map((g) => `${md(g.gate)} on ${md(g.revision)}: ${md(g.verdict)} (${md(g.value)})`);
      const cells = [md(level), md(w.candidate), md(w.verdict), md(w.evaluations), gates.join('<br>') || '-'];
      return `| ${cells.join(' | ')} |`;
    }),
    '',
  ];
}

function urls(r: RolloutResultDoc | undefined): string[] {
  if (!r) return [];
  const rows: Array<[string, string | undefined]> = [
    ['Service', r.url],
    [
      'Candidate',
      r.candidate?.url && `${r.candidate.url} (${r.candidate.revisionName ?? '-'}, tag ${r.candidate.tag})`,
    ],
    ['Stable', r.stable?.url && `${r.stable.url} (${r.stable.revisionName ?? '-'}, tag ${r.stable.tag})`],
    ['Previous', r.previous?.url && `${r.previous.url} (${r.previous.revisionName ?? '-'}, tag ${r.previous.tag})`],
  ];
  const present = rows.filter(([, v]) => v);
  if (present.length === 0) return [];
  return ['### URLs', '', ...present.map(([k, v]) => `- ${k}: ${md(v)}`), ''];
}

/** The Markdown of one run of the Action. */
export function renderSummary(s: SummaryInput): string {
  const ok = s.exitCode === 0;
  const stopped = s.exitCode === 8;
  const icon = ok ? '✅' : stopped ? '⏸️' : '❌';
  const r = s.result;
  const where = `${md(s.service)} (namespace ${md(r?.namespace ?? s.namespace ?? 'default')})`;
  const out = [`## ${icon} bgctl rollout: ${where}`, ''];
  const phase = r ? `phase **${md(r.phase)}**, outcome ${md(r.outcome)}, ` : '';
  out.push(`${phase}exit code ${s.exitCode}`, '');
  if (s.error?.message)
    out.push(`> ${md(s.error.message)}`, ...(s.error.hint ? [`>`, `> ${md(s.error.hint)}`] : []), '');
  out.push('### Traffic before', '', ...trafficTable(s.before));
  out.push('### Traffic after', '', ...trafficTable(s.after));
  if (r) {
    out.push('### Checks', '', ...checksTable(r.verification));
    out.push('### Gates', '', ...gatesTable(r.analysis));
  }
  out.push(...urls(r));
  return out.join('\n') + '\n';
}
