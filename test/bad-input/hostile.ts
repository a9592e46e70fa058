// Hostile peers for the bad-input suite: small HTTPS servers on 127.0.0.1 (with the playground's
// certificate generator, so the CA is trusted through the kubeconfig) that are not a
// Kubernetes API server with Knative (one answers garbage, one is a cluster without Knative). They
// stand in for the far end of the connection, not for client-node, which is used for real.
import type { IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateTls } from '../../src/sim/api/tls.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A running hostile server and what it was asked. */
export interface Hostile {
  url: string;
  /** The CA of its certificate (PEM). */
  caPem: string;
  /** "METHOD path" of every request received. */
  requests: string[];
  stop(): Promise<void>;
}

/** A handler's answer; undefined leaves the request hanging (a server that never answers). */
type Answer = { status: number; type: string; body: string } | undefined;

async function serve(handler: (req: IncomingMessage) => Answer): Promise<Hostile> {
  const requests: string[] = [];
  const tls = await generateTls();
  const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const answer = handler(req);
    if (!answer) return;
    res.writeHead(answer.status, { 'Content-Type': answer.type });
    res.end(answer.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${port}`,
    caPem: tls.caPem,
    requests,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Answers every request with 200 and an HTML page. */
export function garbageServer(): Promise<Hostile> {
  return serve(() => ({
    status: 200,
    type: 'text/html',
    body: '<html><body>Welcome to nginx! {"kind": definitely not JSON</body></html>',
  }));
}

/** A Kubernetes API server without Knative: discovery lists only core v1, every other path is 404. */
export function noKnativeServer(): Promise<Hostile> {
  const json = (status: number, body: unknown) => ({ status, type: 'application/json', body: JSON.stringify(body) });
  return serve((req) => {
    const url = (req.url ?? '/').split('?')[0];
    if (url === '/version') return json(200, { major: '1', minor: '31', gitVersion: 'v1.31.0' });
    if (url === '/api') return json(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (url === '/apis') return json(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
    return json(404, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server could not find the requested resource',
      reason: 'NotFound',
      details: {},
      code: 404,
    });
  });
}

/** Writes `text` to a new temp file named `name` and returns its path. */
export function tempFile(name: string, text: string): string {
  const dir = tempDir('bgctl-bad-input-');
  const file = path.join(dir, name);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** A one-context kubeconfig for a hostile server with a bearer token, trusting its CA. */
export function kubeconfigFor(
  h: Pick<Hostile, 'url' | 'caPem'>,
  token: string,
  extra: { cluster?: Record<string, unknown>; user?: Record<string, unknown> } = {},
): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'c',
        cluster: {
          server: h.url,
          'certificate-authority-data': Buffer.from(h.caPem).toString('base64'),
          ...extra.cluster,
        },
      },
    ],
    users: [{ name: 'u', user: { token, ...extra.user } }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u', namespace: 'default' } }],
    'current-context': 'ctx',
  });
}

const SERVING = '/apis/serving.knative.dev/v1';

/** A well-formed, Ready, unpinned Knative Service `name` with one revision `<name>-00001`. */
export function conformantService(name: string): Record<string, any> {
  const rev = `${name}-00001`;
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      resourceVersion: '7',
      generation: 1,
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    spec: {
      template: { spec: { containers: [{ image: 'ghcr.io/x/y:v1' }] } },
      traffic: [{ latestRevision: true, percent: 100 }],
    },
    status: {
      observedGeneration: 1,
      conditions: ['Ready', 'ConfigurationsReady', 'RoutesReady'].map((type) => ({ type, status: 'True' })),
      latestCreatedRevisionName: rev,
      latestReadyRevisionName: rev,
      url: `http://${name}.default.example.com`,
      traffic: [{ revisionName: rev, latestRevision: true, percent: 100 }],
    },
  };
}

/** The Ready revision of conformantService(service). */
export function conformantRevision(service: string): Record<string, any> {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Revision',
    metadata: {
      name: `${service}-00001`,
      namespace: 'default',
      resourceVersion: '5',
      generation: 1,
      creationTimestamp: '2026-01-01T00:00:00Z',
      labels: { 'serving.knative.dev/service': service },
    },
    spec: { containers: [{ image: 'ghcr.io/x/y:v1' }] },
    status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

/**
 * A Kubernetes API server with the Knative routes, serving the given Services (by name) in
 * `default`, whatever they look like (also as one watch event), and a conformant revision for each. It answers every
 * write
 * with 403, so a test sees in `requests` whether bgctl tried one.
 */
export function fakeKnativeServer(
  services: Record<string, unknown>,
  hang: { lists?: boolean; namespaces?: boolean } = {},
): Promise<Hostile> {
  const json = (status: number, body: unknown) => ({ status, type: 'application/json', body: JSON.stringify(body) });
  const status = (code: number, reason: string, message: string) =>
    json(code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  const list = (items: unknown[]) => ({
    apiVersion: 'serving.knative.dev/v1',
    kind: 'List',
    metadata: { resourceVersion: '9' },
    items,
  });
  return serve((req) => {
    const url = new URL(req.url ?? '/', 'https://x');
    if (req.method !== 'GET') return status(403, 'Forbidden', 'this server takes no writes');
    const ns = `${SERVING}/namespaces/default`;
    const selected = (url.searchParams.get('fieldSelector') ?? '').replace(/^metadata\.name=/, '');
    const owner = (url.searchParams.get('labelSelector') ?? '').replace(/^serving\.knative\.dev\/service=/, '');
    if (url.pathname === `${ns}/services` && url.searchParams.get('watch') === 'true') {
      // One MODIFIED event with the object as it is, then the stream ends.
      const event = { type: 'MODIFIED', object: services[selected] };
      return { status: 200, type: 'application/json', body: JSON.stringify(event) + '\n' };
    }
    if (url.pathname === `${ns}/services` || url.pathname === `${SERVING}/services`) {
      if (hang.lists) return undefined;
      return json(
        200,
        list(
          Object.entries(services)
            .filter(([n]) => !selected || n === selected)
            .map(([, o]) => o),
        ),
      );
    }
    if (url.pathname.startsWith(`${ns}/services/`)) {
      const name = decodeURIComponent(url.pathname.slice(`${ns}/services/`.length));
      if (name in services) return json(200, services[name]);
      // As the apiserver answers: the Status names the missing object.
      return json(404, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `services.serving.knative.dev "${name}" not found`,
        reason: 'NotFound',
        details: { name, group: 'serving.knative.dev', kind: 'services' },
        code: 404,
      });
    }
    if (url.pathname === `${ns}/revisions`)
      return json(200, list(owner in services ? [conformantRevision(owner)] : []));
    if (url.pathname.startsWith(`${ns}/revisions/`)) {
      const name = decodeURIComponent(url.pathname.slice(`${ns}/revisions/`.length));
      const owner2 = name.replace(/-\d{5}$/, '');
      return owner2 in services
        ? json(200, conformantRevision(owner2))
        : status(404, 'NotFound', `revisions.serving.knative.dev "${name}" not found`);
    }
    if (url.pathname.startsWith('/api/v1/namespaces/') && hang.namespaces) return undefined;
    return status(404, 'NotFound', 'the server could not find the requested resource');
  });
}
