// Every kubectl from 1.27 on against the playground, one short scenario each: the verbs a user's
// script runs. 1.27 and 1.28 read /openapi/v2 (protobuf) for apply, diff and explain; later ones
// read /openapi/v3.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createKubectl,
  findKubectlVersions,
  requireKubectlVersions,
  type Kubectl,
  type KubectlResult,
} from '../../helpers/kubectl.js';
import { usePlayground } from '../../helpers/playground.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { until } from '../wait.js';

const SVC = 'service.serving.knative.dev';

function manifest(name: string, image: string): string {
  return JSON.stringify({
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'user-container',
              image,
              ports: [{ containerPort: 8080 }],
              env: [{ name: 'GREETING', value: 'hi' }],
            },
          ],
        },
      },
    },
  });
}

const ok = (r: KubectlResult, what: string): void => assert.equal(r.code, 0, `${what}: ${r.stderr}`);

/** Runs `get -w --output-watch-events` until a MODIFIED row for `name` shows, then kills it. */
async function watchSeesModified(k: Kubectl, name: string, change: () => Promise<unknown>): Promise<string> {
  const child = k.spawn(['get', 'ksvc', name, '--watch', '--output-watch-events']);
  let out = '';
  let err = '';
  // One listener for the whole run: output that arrives between two waits is kept, not dropped.
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (c) => {
    out += c;
    for (const w of [...waiters]) w();
  });
  child.stderr!.on('data', (c) => (err += c));
  const saw = (re: RegExp): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${re} in the watch output:\n${out}\n${err}`));
      }, 30_000);
      const check = (): void => {
        if (!re.test(out)) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  try {
    await saw(new RegExp(`^ADDED\\s+${name}\\s`, 'm'));
    // kubectl opens the watch after printing the object; a change before that would be missed.
    await until(async () => {
      const log = await k.run(['get', '--raw', '/sim/v1/requests']);
      const records: Array<{ verb: string; query: unknown }> = JSON.parse(log.stdout).requests;
      return records.some((rec) => rec.verb === 'watch' && JSON.stringify(rec.query).includes(`metadata.name=${name}`));
    }, `the watch of ${name} to open`);
    await change();
    await saw(new RegExp(`^MODIFIED\\s+${name}\\s`, 'm'));
    return out;
  } finally {
    child.kill();
  }
}

describe('kubectl 1.27 … 1.33 against the playground', () => {
  const pg = usePlayground();
  const runners: Kubectl[] = [];
  after(() => runners.forEach((k) => k.dispose()));

  test('the version matrix is there (CI needs kubectl on PATH and kubectl.1.27)', (t) => {
    const found = requireKubectlVersions(t);
    if (found) t.diagnostic(`kubectl versions: ${found.map((v) => v.label).join(', ')}`);
  });

  for (const v of findKubectlVersions()) {
    test(`${v.label}: apply, create -f, diff, apply --server-side, patch, get, explain, wait, watch`, async () => {
      const k = createKubectl(v.bin, pg.current.kubeconfigPath);
      runners.push(k);
      const name = `k${v.label.replace(/\D/g, '') || 'path'}`;
      const file = join(tempDir(`bgctl-${name}-`), 'service.json');

      writeFileSync(file, manifest(name, 'ghcr.io/bgctl/hello:v1'));
      let r = await k.run(['apply', '-f', file]);
      ok(r, 'apply');
      assert.equal(r.stdout.trim(), `${SVC}/${name} created`);

      r = await k.run(['create', '-f', '-'], { input: manifest(`${name}-c`, 'ghcr.io/bgctl/hello:v1') });
      ok(r, 'create -f');
      assert.equal(r.stdout.trim(), `${SVC}/${name}-c created`);

      writeFileSync(file, manifest(name, 'ghcr.io/bgctl/hello:v2'));
      r = await k.run(['diff', '-f', file]);
      assert.equal(r.code, 1, `diff exits 1 when there are differences: ${r.stderr}`);
      assert.match(r.stdout, /^-\s+image: ghcr\.io\/bgctl\/hello:v1$/m);
      assert.match(r.stdout, /^\+\s+image: ghcr\.io\/bgctl\/hello:v2$/m);

      r = await k.run(['apply', '-f', file]);
      ok(r, 'apply the change');
      assert.equal(r.stdout.trim(), `${SVC}/${name} configured`);
      // Knative's defaults grow the (atomic) containers list, so taking it over from the client-side
      // apply manager conflicts, as on a cluster; once kubectl owns it, a plain server-side apply is fine.
      r = await k.run(['apply', '--server-side', '--force-conflicts', '-f', file]);
      ok(r, 'apply --server-side --force-conflicts');
      assert.equal(r.stdout.trim(), `${SVC}/${name} serverside-applied`);
      r = await k.run(['apply', '--server-side', '-f', file]);
      ok(r, 'apply --server-side');
      assert.equal(r.stdout.trim(), `${SVC}/${name} serverside-applied`);

      r = await k.run(['patch', 'ksvc', name, '--type', 'merge', '-p', '{"metadata":{"labels":{"team":"blue"}}}']);
      ok(r, 'patch');
      assert.equal(r.stdout.trim(), `${SVC}/${name} patched`);

      r = await k.run(['get', 'ksvc', name, '-o', 'json']);
      ok(r, 'get -o json');
      const got = JSON.parse(r.stdout);
      assert.equal(got.spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v2');
      assert.equal(got.metadata.labels.team, 'blue');

      // The default output (OpenAPI v3, or v2 where the version has no v3 explain) and the
      // v2 template, which reads the protobuf /openapi/v2 in every version.
      for (const [path, field, ...flags] of [
        ['ksvc.spec.template.spec.containers.ports', 'ports <[]Object>'],
        ['ksvc.spec.template.spec.containers.env.valueFrom', 'valueFrom <Object>'],
        ['ksvc.status.traffic', 'traffic <[]Object>'],
        ['ksvc.spec.template.spec.containers.env', 'env <[]Object>', '--output', 'plaintext-openapiv2'],
      ]) {
        r = await k.run(['explain', path, ...flags]);
        ok(r, `explain ${path}`);
        assert.match(r.stdout, /KIND:\s+Service/);
        const heading = r.stdout.split('\n').find((l) => /^(FIELD|RESOURCE):\s+/.test(l));
        assert.equal(heading?.replace(/^(FIELD|RESOURCE):\s+/, ''), field, `explain ${path}:\n${r.stdout}`);
        assert.doesNotMatch(r.stdout, /<no description>|<empty>/);
      }

      r = await k.run(['wait', '--for=condition=Ready', `ksvc/${name}`, '--timeout=60s']);
      ok(r, 'wait');
      assert.equal(r.stdout.trim(), `${SVC}/${name} condition met`);

      await watchSeesModified(k, name, async () => ok(await k.run(['label', 'ksvc', name, 'watched=yes']), 'label'));
    });
  }
});
