// --expect-body reads up to 1 MiB of each body (BODY_CHECK_LIMIT): text past the old 64 KiB cut is
// found, and a longer body without a match in its first 1 MiB fails with a reason that says so.
// The answers come from a plain HTTP server on 127.0.0.1 passed as --ingress (the Host header still
// names the playground's tag URL), so the body size is exact.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { runCli } from '../helpers/cli.js';
import { usePlayground } from '../helpers/playground.js';
import { stagedService } from './read-setup.js';

const KiB = 1024;
/** Bodies by path: filler, then the marker at the given offset. */
const BODIES: Record<string, Buffer> = {
  '/200k': Buffer.concat([Buffer.alloc(100 * KiB, 'x'), Buffer.from('MARKER'), Buffer.alloc(100 * KiB, 'y')]),
  '/1500k': Buffer.concat([Buffer.alloc(1200 * KiB, 'x'), Buffer.from('MARKER'), Buffer.alloc(300 * KiB, 'y')]),
  '/early': Buffer.concat([Buffer.from('MARKER'), Buffer.alloc(1500 * KiB, 'y')]),
};

describe('verify --expect-body on large bodies', () => {
  const pg = usePlayground();
  let server: http.Server;
  let ingress = '';
  before(async () => {
    server = http.createServer((req, res) => {
      const body = BODIES[req.url ?? ''] ?? Buffer.from('not found');
      res.writeHead(body.length > 10 ? 200 : 404, { 'content-length': body.length });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    ingress = `127.0.0.1:${(server.address() as { port: number }).port}`;
    await stagedService(pg.current, 'big');
  });
  after(() => new Promise<void>((r) => server.close(() => r())));
  const verify = (...argv: string[]) =>
    runCli(
      ['verify', 'big', '--no-record', '--requests', '2', '--expect-body', 'MARKER', '--ingress', ingress, ...argv],
      { env: { KUBECONFIG: pg.current.kubeconfigPath } },
    );

  test('--help of verify and rollout states the cap', async () => {
    for (const verb of ['verify', 'rollout']) {
      const r = await runCli([verb, '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout.replace(/\s+/g, ' '), /--expect-body <regex> .*in its first 1 MiB/);
    }
  });

  test('text after the first 64 KiB of a 200 KiB body is found', async () => {
    const r = await verify('--path', '/200k');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Checks: +status 200, body \/MARKER\/ \(first 1 MiB\)/);
    assert.match(r.stdout, /Result: Passed/);
  });

  test('a body over 1 MiB whose text lies past the cap fails and says it was cut (not a silent pass)', async () => {
    const r = await verify('--path', '/1500k');
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /body does not match \/MARKER\/ in its first 1 MiB \(the body is longer; --expect-body reads at most 1 MiB\)/,
    );
    assert.match(r.stderr, /^Error: verification of tag "candidate" of service "big" failed/m);
  });

  test('a match within the first 1 MiB of a longer body passes; -o json states the cap', async () => {
    const r = await verify('--path', '/early', '-o', 'json');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.checks.expectBody, 'MARKER');
    assert.equal(doc.checks.expectBodyLimitBytes, 1024 * 1024);
  });
});
