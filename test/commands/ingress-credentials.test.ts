// An --ingress (or BGCTL_INGRESS, --context-ingress) value is HOST:PORT; one pasted with a user:password
// (`bob:pw@host:port`, a URL) is refused, and the refusal must not repeat the password into a terminal or
// a CI log, nor a huge or escape-laden value whole.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';

const SECRET = 'hunter2pw';
const KUBECONFIG = '/nonexistent/kubeconfig';

describe('a rejected ingress address never shows its credentials', () => {
  for (const [name, argv, env] of [
    ['--ingress', ['verify', 'hello', '--ingress', `bob:${SECRET}@127.0.0.1:8080`], {}],
    ['--ingress as a URL', ['verify', 'hello', '--ingress', `http://bob:${SECRET}@127.0.0.1:8080`], {}],
    ['BGCTL_INGRESS', ['verify', 'hello'], { BGCTL_INGRESS: `bob:${SECRET}@127.0.0.1:8080` }],
    [
      '--context-ingress',
      ['rollout', '-l', 'app=x', '--image-tag', 'v2', '--yes', '--context-ingress', `c=bob:${SECRET}@h:1`],
      {},
    ],
  ] as const) {
    test(`${name}: exit 2 InvalidIngress, the password in neither the message nor the Error document`, async () => {
      for (const output of ['table', 'json']) {
        const r = await runCli([...argv, '-o', output], { env: { KUBECONFIG, ...env } });
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /^Error: invalid .*ingress/im);
        assert.ok(!(r.stdout + r.stderr).includes(SECRET), r.stdout + r.stderr);
        if (output === 'json') assert.equal(JSON.parse(r.stdout).reason, 'InvalidIngress');
      }
    });
  }

  test('a huge value with escapes is quoted bounded and escaped', async () => {
    const r = await runCli(['verify', 'hello', '--ingress', `\x1b[31m${'a'.repeat(100_000)}`], {
      env: { KUBECONFIG },
    });
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.length < 1000, `${r.stderr.length} characters on stderr`);
    assert.ok(r.stderr.includes('\\x1b[31m'), r.stderr);
  });
});
