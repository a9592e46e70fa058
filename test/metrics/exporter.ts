// A tiny static scrape target for the Prometheus tests: Knative's request metrics for a few revisions, in the
// current (OpenTelemetry) or the legacy (OpenCensus) format. Every scrape counts `perScrape` more requests per
// revision, so rates are steady and no test needs to send traffic.
import http from 'node:http';
import type net from 'node:net';

export interface ExportedRevision {
  namespace: string;
  service: string;
  revision: string;
  /** Requests answered per scrape: ok (200) and errors (500). */
  ok: number;
  errors: number;
  /** Every request's duration in seconds. */
  latencyS: number;
}

export interface Exporter {
  /** HOST:PORT for the scrape config. */
  target: string;
  /** Scrapes served so far. */
  scrapes(): number;
  close(): Promise<void>;
}

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const MS_BUCKETS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

const labelText = (labels: Record<string, string>) =>
  '{' +
  Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',') +
  '}';

function histogram(name: string, labels: Record<string, string>, count: number, value: number, buckets: number[]) {
  const lines = buckets.map(
    (le) => `${name}_bucket${labelText({ ...labels, le: String(le) })} ${value <= le ? count : 0}`,
  );
  lines.push(`${name}_bucket${labelText({ ...labels, le: '+Inf' })} ${count}`);
  lines.push(`${name}_sum${labelText(labels)} ${count * value}`);
  lines.push(`${name}_count${labelText(labels)} ${count}`);
  return lines;
}

export function render(revisions: readonly ExportedRevision[], n: number, format: 'knative' | 'legacy'): string {
  const out: string[] = [];
  if (format === 'knative') out.push('# TYPE kn_serving_invocation_duration_seconds histogram');
  else out.push('# TYPE revision_app_request_count counter', '# TYPE revision_app_request_latencies histogram');
  for (const r of revisions) {
    for (const [code, perScrape] of [
      ['200', r.ok],
      ['500', r.errors],
    ] as const) {
      if (perScrape === 0) continue;
      const count = perScrape * n;
      if (format === 'knative') {
        const labels = {
          http_response_status_code: code,
          k8s_namespace_name: r.namespace,
          kn_configuration_name: r.service,
          kn_revision_name: r.revision,
          kn_service_name: r.service,
        };
        out.push(...histogram('kn_serving_invocation_duration_seconds', labels, count, r.latencyS, SECONDS_BUCKETS));
      } else {
        const labels = {
          configuration_name: r.service,
          container_name: 'user-container',
          namespace_name: r.namespace,
          pod_name: `${r.revision}-deployment-0`,
          response_code: code,
          response_code_class: `${code[0]}xx`,
          revision_name: r.revision,
          service_name: r.service,
        };
        out.push(`revision_app_request_count${labelText(labels)} ${count}`);
        out.push(...histogram('revision_app_request_latencies', labels, count, r.latencyS * 1000, MS_BUCKETS));
      }
    }
  }
  return out.join('\n') + '\n';
}

export async function startExporter(revisions: ExportedRevision[], format: 'knative' | 'legacy'): Promise<Exporter> {
  let n = 0;
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    n++;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(render(revisions, n, format));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    scrapes: () => n,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
