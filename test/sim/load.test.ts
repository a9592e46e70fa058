// The playground's load generator and POST /sim/v1/load: requests through the ingress (the route's split picks the
// revision), validation in the sim API's error style, the in-flight cap, and nothing left running after stop().
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { call } from './api/fixture.js';
import { WAIT_MS } from './wait.js';
import { startPlayground, type Playground } from '../helpers/playground.js';
import type { Load, LoadReport } from '../../src/sim/load.js';
import { MAX_IN_FLIGHT } from '../../src/sim/load.js';

/** Resolves once `cond(report)` holds, checking after every send, drop or answer of the generator. */
function whenLoad(load: Load, cond: (r: LoadReport) => boolean, what: string): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const r = load.report();
      if (!cond(r)) return;
      clearTimeout(timer);
      stop();
      resolve(r);
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for ${what}: ${JSON.stringify(load.report())}`));
    }, WAIT_MS);
    const stop = load.onActivity(check);
    check();
  });
}

function api(pg: Playground, token = pg.token) {
  const kc = yaml.load(pg.kubeconfig) as any;
  const caPem = Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString('utf8');
  const f = { server: { url: pg.server, caPem } as any, token };
  return (method: string, body?: unknown) => call(f, method, '/sim/v1/load', body === undefined ? {} : { body });
}

const of = (r: LoadReport, service: string) => r.services.find((s) => s.service === service);

async function addService(pg: Playground, name: string, annotations: Record<string, string> = {}): Promise<void> {
  const def = pg.registry.resource('services', 'serving.knative.dev')!;
  pg.registry.create(
    def,
    'default',
    {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name, namespace: 'default' },
      spec: { template: { metadata: { annotations }, spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v1' }] } } },
    },
    { user: 'test' },
  );
}

describe('POST /sim/v1/load', () => {
  test('validation: 400 for a bad body, 404 for an unknown service, 403 for the viewer', async () => {
    const pg = await startPlayground({ sample: 'hello' });
    try {
      const post = api(pg);
      for (const [body, message] of [
        ['{', 'load request is not valid JSON'],
        [[1], 'load request must be a JSON object {"namespace","service","rps"}'],
        [{ namespace: 'default', service: 'hello' }, 'rps must be a number from 0 to 1000'],
        [{ namespace: 'default', service: 'hello', rps: -1 }, 'rps must be a number from 0 to 1000'],
        [{ namespace: 'default', service: 'hello', rps: 1001 }, 'rps must be a number from 0 to 1000'],
        [{ namespace: 'default', service: 'hello', rps: '5' }, 'rps must be a number from 0 to 1000'],
        [{ namespace: '', service: 'hello', rps: 1 }, 'namespace must be a non-empty string'],
        [{ namespace: 'default', rps: 1 }, 'service must be a non-empty string'],
        [{ namespace: 'default', service: 'hello', rps: 1, burst: 2 }, 'unknown load setting "burst"'],
      ] as const) {
        const r = await post('POST', body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.deepEqual(
          r.json(),
          {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message,
            reason: 'BadRequest',
            code: 400,
          },
          JSON.stringify(body),
        );
      }
      const missing = await post('POST', { namespace: 'default', service: 'nope', rps: 1 });
      assert.equal(missing.status, 404);
      assert.equal(missing.json().message, 'services.serving.knative.dev "nope" not found');
      assert.equal(missing.json().reason, 'NotFound');
      const otherNs = await post('POST', { namespace: 'other', service: 'hello', rps: 1 });
      assert.equal(otherNs.status, 404);

      const readOnly = yaml.load(readFileSync(pg.readOnlyKubeconfigPath, 'utf8')) as any;
      const viewer = api(pg, readOnly.users[0].user.token);
      assert.equal((await viewer('POST', { namespace: 'default', service: 'hello', rps: 1 })).status, 403);
      assert.equal((await viewer('GET')).status, 200);
      assert.deepEqual((await post('GET')).json(), { defaultRps: 0, services: [] }, 'nothing was set');
    } finally {
      await pg.stop();
    }
  });

  test('sets the rate of one service; the route decides the revision; 0 stops it while others go on', async () => {
    const pg = await startPlayground({ sample: 'hello' });
    try {
      const post = api(pg);
      const set = await post('POST', { namespace: 'default', service: 'hello', rps: 200 });
      assert.equal(set.status, 200, set.text);
      assert.equal(set.json().rps, 200);
      assert.equal(set.json().source, 'set');
      await whenLoad(pg.load, (r) => (of(r, 'hello')?.answers['200'] ?? 0) >= 10, '10 answers from hello');
      assert.ok((pg.requestMetrics.counts('default', 'hello-00001')['200'] ?? 0) >= 10, 'recorded per revision');

      assert.equal((await post('POST', { namespace: 'default', service: 'hello', rps: 0 })).status, 200);
      const stopped = await whenLoad(pg.load, (r) => of(r, 'hello')!.inFlight === 0, 'hello idle');
      const sentBefore = of(stopped, 'hello')!.sent;
      // Proof that hello stays stopped: another service's load goes on meanwhile.
      await addService(pg, 'other');
      assert.equal((await post('POST', { namespace: 'default', service: 'other', rps: 200 })).status, 200);
      const later = await whenLoad(pg.load, (r) => (of(r, 'other')?.answers['200'] ?? 0) >= 10, 'other answers');
      assert.equal(of(later, 'hello')!.sent, sentBefore, 'no request to hello after rps 0');
      assert.equal(of(later, 'hello')!.rps, 0);
    } finally {
      await pg.stop();
    }
  });

  test('a slow revision: at most MAX_IN_FLIGHT open requests, the rest dropped; stop() ends them all', async () => {
    const pg = await startPlayground({});
    try {
      await addService(pg, 'slow', { 'sim.bgctl.dev/latency': '1h' });
      pg.load.set('default', 'slow', 1000);
      const r = await whenLoad(pg.load, (x) => (of(x, 'slow')?.dropped ?? 0) > 0, 'dropped requests');
      assert.equal(of(r, 'slow')!.inFlight, MAX_IN_FLIGHT);
      assert.equal(of(r, 'slow')!.sent, MAX_IN_FLIGHT);
    } finally {
      await pg.stop();
    }
    const after = await whenLoad(pg.load, (x) => of(x, 'slow')!.inFlight === 0, 'open requests ended by stop()');
    assert.equal(of(after, 'slow')!.answers.error, MAX_IN_FLIGHT, 'each open request was cut, none answered');
  });
});

describe('--load (startPlayground({ load }))', () => {
  test('every service with traffic gets the default rate; a set rate overrides it', async () => {
    const pg = await startPlayground({ sample: 'hello', load: 100 });
    try {
      await addService(pg, 'second');
      const r = await whenLoad(
        pg.load,
        (x) => ['hello', 'second'].every((s) => (of(x, s)?.answers['200'] ?? 0) >= 5),
        'answers from both services',
      );
      assert.equal(r.defaultRps, 100);
      assert.deepEqual(
        r.services.map((s) => [s.service, s.rps, s.source]),
        [
          ['hello', 100, 'default'],
          ['second', 100, 'default'],
        ],
      );
      pg.load.set('default', 'second', 0);
      assert.equal(of(pg.load.report(), 'second')!.source, 'set');
    } finally {
      await pg.stop();
    }
  });
});
