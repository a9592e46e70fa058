import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/temp-dir.js';

// A value a usage error repeats is the user's, but it may be pasted from anywhere: the message quotes
// at most 100 characters of it and shows control characters as escapes, whichever flag it came through.
const HUGE = '\x1b[31m' + 'x'.repeat(100_000) + '\x1b]0;title\x07';

const cases: Array<[string, string[]]> = [
  ['--tag', ['stage', 'hello', '--tag', HUGE, '--yes']],
  ['--percent', ['split', 'hello', '--percent', HUGE, '--yes']],
  ['--env', ['deploy', 'hello', '--image', 'ghcr.io/a/b:v2', '--env', HUGE, '--yes']],
  ['--annotation', ['deploy', 'hello', '--image', 'ghcr.io/a/b:v2', '--annotation', HUGE, '--yes']],
  ['--namespace', ['status', 'hello', '-n', HUGE]],
  ['--selector', ['status', '-l', HUGE + ' in (']],
  // An image with whitespace is refused by bgctl; other hostile images go to the cluster, whose refusal is escaped.
  ['--image', ['deploy', 'hello', '--image', `${HUGE} x`, '--yes']],
  ['--steps', ['rollout', 'hello', '--image', 'ghcr.io/a/b:v2', '--steps', HUGE, '--yes']],
  ['--timeout', ['rollout', 'hello', '--image', 'ghcr.io/a/b:v2', '--timeout', HUGE, '--yes']],
  ['--context', ['status', '--context', `a,,${HUGE}`]],
  [
    '--notify-format',
    [
      'rollout',
      'hello',
      '--image',
      'ghcr.io/a/b:v2',
      '--notify',
      'http://h.example/',
      '--notify-format',
      HUGE,
      '--yes',
    ],
  ],
  ['--dry-run', ['deploy', 'hello', '--image', 'ghcr.io/a/b:v2', `--dry-run=${HUGE}`]],
  ['--gitops', ['split', 'hello', '--percent', '10', '--gitops', HUGE, '--yes']],
  // commander's own refusals repeat the value too.
  ['command', [HUGE]],
  ['option', ['status', `--${HUGE}`]],
  ['--output', ['status', `--output=${HUGE}`]],
];

// A cluster nobody answers at: the values are refused before any request.
const kubeconfig = path.join(tempDir('bgctl-quotes-'), 'kubeconfig');
writeFileSync(
  kubeconfig,
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
    users: [{ name: 'u', user: { token: 't' } }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'x',
  }),
);

for (const [flag, argv] of cases) {
  test(`a huge ${flag} value with escapes is quoted bounded and escaped in the usage error`, async () => {
    for (const output of ['table', 'json']) {
      const r = await runCli([...argv, '-o', output], { env: { KUBECONFIG: kubeconfig } });
      assert.equal(r.code, 2, r.stderr.slice(0, 300));
      const all = r.stdout + r.stderr;
      assert.ok(all.length < 2_000, `${flag} (${output}): ${all.length} characters`);
      assert.ok(!all.includes('\x1b') && !all.includes('\x07'), `${flag} (${output}) prints a raw control character`);
      assert.match(all, /x{50}…/, `${flag} (${output}) shows the start of the value, cut`);
    }
  });
}
