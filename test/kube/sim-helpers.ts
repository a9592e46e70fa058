// Helpers for the src/kube tests: talk to the playground's /sim/v1 control API over HTTPS (its own
// CA and token) and write kubeconfig variants. No fake servers: the playground is the one target.
import { request } from 'node:https';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import type { Playground } from '../helpers/playground.js';
import type { KnativeService } from '../../src/core/knative-types.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The playground CA (PEM) from its kubeconfig. */
export function playgroundCa(pg: Playground): string {
  const doc = yaml.load(pg.kubeconfig) as any;
  return Buffer.from(doc.clusters[0].cluster['certificate-authority-data'], 'base64').toString('utf8');
}

/** Calls /sim/v1/<what> with the admin token; resolves with the parsed JSON answer. */
export function sim(
  pg: Playground,
  method: 'GET' | 'POST' | 'DELETE',
  what: 'requests' | 'faults',
  body?: unknown,
): Promise<any> {
  const url = new URL(`/sim/v1/${what}`, pg.server);
  return new Promise((resolve, reject) => {
    // agent: false: a pooled keep-alive socket can be reset by the server if the test blocked the event loop.
    const req = request(
      url,
      {
        method,
        agent: false,
        ca: playgroundCa(pg),
        headers: { Authorization: `Bearer ${pg.token}`, 'Content-Type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          if ((res.statusCode ?? 500) >= 300) reject(new Error(`/sim/v1/${what}: ${res.statusCode} ${text}`));
          else resolve(text ? JSON.parse(text) : undefined);
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** The logged API requests (not /sim/v1 itself), optionally filtered. */
export async function requests(
  pg: Playground,
  filter: { verb?: string; resource?: string; name?: string } = {},
): Promise<
  Array<{ verb: string; resource?: string; name?: string; code: number; query: Record<string, string>; fault?: string }>
> {
  const { requests: all } = await sim(pg, 'GET', 'requests');
  return all.filter(
    (r: any) =>
      (!filter.verb || r.verb === filter.verb) &&
      (!filter.resource || r.resource === filter.resource) &&
      (!filter.name || r.name === filter.name),
  );
}

/** Writes a kubeconfig variant of the playground's (edit the parsed document) and returns its path. */
export function kubeconfigVariant(pg: Playground, edit: (doc: any) => void, name = 'kubeconfig'): string {
  const doc = yaml.load(pg.kubeconfig) as any;
  edit(doc);
  const dir = tempDir('bgctl-kube-test-');
  const file = path.join(dir, name);
  writeFileSync(file, yaml.dump(doc), { mode: 0o600 });
  return file;
}

/** A minimal Knative Service; `annotations` go on the revision template (simulator knobs). */
export function service(
  name: string,
  opts: { image?: string; annotations?: Record<string, string> } = {},
): KnativeService {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name },
    spec: {
      template: {
        ...(opts.annotations ? { metadata: { annotations: opts.annotations } } : {}),
        spec: { containers: [{ image: opts.image ?? 'ghcr.io/bgctl/hello:v1' }] },
      },
    },
  };
}
