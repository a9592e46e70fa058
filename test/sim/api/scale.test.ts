// Issue 2's scale check as a test of correctness (never of speed: scripts/sim-scale.mjs prints the
// figures): 2,000 services and 20,000 revisions in one namespace, listed page by page over HTTPS
// with the real client-node; every object comes back exactly once, from one snapshot, with
// remainingItemCount counting down, even while other writes land between pages.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startApiFixture, type ApiFixture } from './fixture.js';

const SERVICES = 2000;
const REVISIONS = 20000;
const ctx = { user: 'scale', fieldManager: 'scale' };

describe('the API server at scale', () => {
  let f: ApiFixture;
  let api: k8s.CustomObjectsApi;

  before(async () => {
    f = await startApiFixture();
    const svcDef = f.registry.resource('services', 'serving.knative.dev')!;
    const revDef = f.registry.resource('revisions', 'serving.knative.dev')!;
    const perService = REVISIONS / SERVICES;
    for (let i = 0; i < SERVICES; i++) {
      const name = `svc-${String(i).padStart(5, '0')}`;
      f.registry.create(
        svcDef,
        'default',
        {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Service',
          metadata: { name },
          spec: { template: { spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v1' }] } } },
        },
        ctx,
      );
      for (let g = 1; g <= perService; g++) {
        f.registry.create(
          revDef,
          'default',
          {
            apiVersion: 'serving.knative.dev/v1',
            kind: 'Revision',
            metadata: {
              name: `${name}-${String(g).padStart(5, '0')}`,
              labels: { 'serving.knative.dev/configuration': name },
            },
            spec: { containers: [{ image: `ghcr.io/bgctl/hello:v${g}` }] },
          },
          ctx,
        );
      }
    }
    api = f.kc.makeApiClient(k8s.CustomObjectsApi);
  });
  after(() => f?.stop());

  async function listAll(plural: string, expected: number, duringPages?: (page: number) => void): Promise<number> {
    const seen = new Set<string>();
    let cont: string | undefined;
    let rv: string | undefined;
    let pages = 0;
    do {
      const page: any = await api.listNamespacedCustomObject({
        group: 'serving.knative.dev',
        version: 'v1',
        namespace: 'default',
        plural,
        limit: 500,
        _continue: cont,
      });
      pages++;
      rv ??= page.metadata.resourceVersion;
      assert.equal(page.metadata.resourceVersion, rv, "every page comes from the first page's snapshot");
      for (const item of page.items) {
        assert.ok(!seen.has(item.metadata.name), `${item.metadata.name} returned twice`);
        seen.add(item.metadata.name);
      }
      cont = page.metadata.continue;
      if (cont) assert.equal(page.metadata.remainingItemCount, expected - seen.size);
      duringPages?.(pages);
    } while (cont);
    assert.equal(seen.size, expected, `${plural}: every object exactly once`);
    return pages;
  }

  test('2,000 services: 4 pages of 500, each exactly once', async () => {
    assert.equal(await listAll('services', SERVICES), 4);
  });

  test('20,000 revisions: 40 pages from one snapshot although new revisions land between pages', async () => {
    const revDef = f.registry.resource('revisions', 'serving.knative.dev')!;
    const pages = await listAll('revisions', REVISIONS, (page) => {
      // A write between pages must not leak into the paginated snapshot.
      f.registry.create(
        revDef,
        'default',
        {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Revision',
          metadata: { name: `late-${page}`, labels: { 'serving.knative.dev/configuration': 'late' } },
          spec: { containers: [{ image: 'ghcr.io/bgctl/hello:late' }] },
        },
        ctx,
      );
    });
    assert.equal(pages, 40);
  });
});
