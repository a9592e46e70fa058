// Hostile strings in the cluster (issue 10): an actor recorded by BGCTL_ACTOR and an image carrying
// terminal sequences and a newline must reach the operator's terminal as visible escapes, never as
// raw control characters or a forged line, through the built CLI, in pipes and on a PTY. And a huge
// BGCTL_ACTOR must not grow bgctl's annotations past their documented budget.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runBin } from '../helpers/cli.js';
import { usePlayground } from '../helpers/playground.js';
import { ensureBuilt, spawnPty } from '../helpers/pty.js';
import { getService } from '../commands/step-helpers.js';
import { HISTORY_BUDGET, RECORD_BUDGET, StateAnnotations } from '../../src/core/state.js';

ensureBuilt();

const EVIL = '\x1b]0;pwned\x07\x1b[2J\nforged row\r\u202e';
const SHOWN = '\\x1b]0;pwned\\x07\\x1b[2J\\nforged row\\r\\u202e';
// bgctl refuses whitespace in --image itself (a newline never reaches the cluster), so the image
// that Knative refuses carries every hostile sequence but the line breaks.
const IMAGE_EVIL = '\x1b]0;pwned\x07\x1b[2J\u202e';
const IMAGE_SHOWN = '\\x1b]0;pwned\\x07\\x1b[2J\\u202e';
const IMAGE = `ghcr.io/bgctl/hello:v2${IMAGE_EVIL}`;
// Anything a terminal acts on, except the newline that ends bgctl's own lines.
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** No raw control character, and no line that the hostile text started. */
function assertClean(what: string, text: string): void {
  const m = RAW.exec(text);
  assert.equal(m, null, `${what}: raw ${JSON.stringify(m?.[0])} at ${m?.index} in ${JSON.stringify(text)}`);
  assert.doesNotMatch(text, /^forged row/m, `${what}: a forged line`);
}

const bytes = (s: string | undefined) => Buffer.byteLength(s ?? '', 'utf8');

describe('cluster strings with terminal sequences (built CLI)', () => {
  const pg = usePlayground({ sample: 'hello' });
  const env = (actor = EVIL) => ({
    KUBECONFIG: pg.current.kubeconfigPath,
    BGCTL_INGRESS: pg.current.ingress,
    BGCTL_ACTOR: actor,
  });

  test('pipes: rollout narration, status, history, revisions, a refusal naming the actor, and YAML carry no raw control characters', async () => {
    const local = await runBin(
      ['rollout', 'hello', '--image', `ghcr.io/bgctl/hello:v2${EVIL}`, '--no-verify', '--yes'],
      { env: env() },
    );
    assert.equal(local.code, 2, local.stderr);
    assertClean('image refused by bgctl', local.stdout + local.stderr);
    // A usage error quotes the value with hex escapes (\x0a for the newline).
    const quoted = '\\x1b]0;pwned\\x07\\x1b[2J\\x0aforged row\\x0d\\u202e';
    assert.ok(local.stderr.includes(`invalid --image "ghcr.io/bgctl/hello:v2${quoted}"`), local.stderr);
    // Knative refuses such an image, and its message quotes it: the Error line shows it escaped.
    const hostile = await runBin(['rollout', 'hello', '--image', IMAGE, '--no-verify', '--until', 'staged', '--yes'], {
      env: env(),
    });
    assert.equal(hostile.code, 1, hostile.stderr);
    assertClean('refused image', hostile.stdout + hostile.stderr);
    assert.ok(
      hostile.stderr.includes(`Deploying ghcr.io/bgctl/hello:v2${IMAGE_SHOWN} as a new revision`),
      hostile.stderr,
    );
    const refusedImage = hostile.stderr.split('\n').filter((l) => l.startsWith('Error: '));
    assert.equal(refusedImage.length, 1);
    assert.ok(
      refusedImage[0].includes(`could not parse reference: ghcr.io/bgctl/hello:v2${IMAGE_SHOWN}`),
      hostile.stderr,
    );

    const rollout = await runBin(
      ['rollout', 'hello', '--image', 'ghcr.io/bgctl/hello:v2', '--no-verify', '--until', 'staged', '--yes'],
      { env: env() },
    );
    assert.equal(rollout.code, 8, rollout.stderr);
    assertClean('rollout stdout', rollout.stdout);
    assertClean('rollout stderr', rollout.stderr);

    const status = await runBin(['status', 'hello'], { env: env('someone') });
    assert.equal(status.code, 0, status.stderr);
    assertClean('status stdout', status.stdout + status.stderr);
    assert.ok(status.stdout.includes(`by ${SHOWN})\n`), status.stdout);

    const history = await runBin(['history', 'hello'], { env: env('someone') });
    assert.equal(history.code, 0, history.stderr);
    assertClean('history', history.stdout + history.stderr);
    assert.equal(history.stdout.trimEnd().split('\n').length, 2, 'header and one row');
    assert.ok(history.stdout.includes(SHOWN));

    const revisions = await runBin(['revisions', 'hello'], { env: env('someone') });
    assert.equal(revisions.code, 0, revisions.stderr);
    assertClean('revisions', revisions.stdout + revisions.stderr);
    assert.equal(revisions.stdout.trimEnd().split('\n').length, 3, 'header and two rows');

    // Someone else's deploy is refused; the Error line quotes the recorded actor, escaped, on one line.
    const refused = await runBin(['rollout', 'hello', '--image', 'ghcr.io/bgctl/hello:v3', '--no-verify', '--yes'], {
      env: env('someone'),
    });
    assert.equal(refused.code, 5, refused.stderr);
    assertClean('refusal', refused.stdout + refused.stderr);
    const errorLines = refused.stderr.split('\n').filter((l) => l.startsWith('Error: '));
    assert.equal(errorLines.length, 1);
    assert.ok(errorLines[0].includes(`started by ${SHOWN} at`), refused.stderr);

    // Closing it records "aborted by <actor>" as the reason: the REASON cell stays escaped too.
    const abort = await runBin(['rollout', 'hello', '--abort', '--yes'], { env: env() });
    assert.equal(abort.code, 0, abort.stderr);
    assertClean('abort', abort.stdout + abort.stderr);
    const closed = await runBin(['history', 'hello'], { env: env('someone') });
    assertClean('history after abort', closed.stdout);
    assert.ok(closed.stdout.trimEnd().endsWith(`aborted by ${SHOWN}`), closed.stdout);

    // Documents are data: their encoders escape C0/C1 control characters (JSON \u001b, YAML "\e")
    // and keep the value intact; printable Unicode such as U+202E is left as data, as kubectl does.
    for (const argv of [
      ['status', 'hello', '-o', 'yaml'],
      ['history', 'hello', '-o', 'yaml'],
      ['history', 'hello', '-o', 'json'],
    ]) {
      const doc = await runBin(argv, { env: env('someone') });
      assert.equal(doc.code, 0, doc.stderr);
      assertClean(argv.join(' '), doc.stdout.replaceAll('\u202e', ''));
      assert.ok(doc.stdout.includes('pwned'));
    }
  });

  test('a PTY: status, history and a narrated rollout with a spinner never pass the sequences through', async () => {
    const cases: string[][] = [
      ['status', 'hello'],
      ['history', 'hello'],
      ['revisions', 'hello'],
      ['rollout', 'hello', '--image', `${IMAGE}-pty`, '--no-verify', '--until', 'staged', '--yes'],
    ];
    for (const argv of cases) {
      const run = spawnPty(argv, env());
      const code = await run.exited;
      // The hostile image is refused by Knative (exit 1), its message quoting it.
      assert.ok(
        code === 0 || code === 8 || (argv[0] === 'rollout' && code === 1),
        `${argv.join(' ')}: exit ${code}\n${run.screen()}`,
      );
      const raw = run.raw();
      for (const seq of ['\x1b]', '\x07', '\x1b[2J', '\u202e'])
        assert.ok(!raw.includes(seq), `${argv.join(' ')}: raw ${JSON.stringify(seq)} on the terminal`);
      assert.doesNotMatch(run.screen(), /^forged row/m, `${argv.join(' ')}: a forged line`);
      // revisions shows images and names only, which Knative validates: nothing hostile to show there.
      // Tables are cut to the terminal's width, so the escaped text may end early: its start is enough.
      if (argv[0] !== 'revisions')
        assert.ok(run.screen().includes('\\x1b]0;'), `${argv.join(' ')}: the escaped form is shown\n${run.screen()}`);
    }
  });

  test('a 100 kB BGCTL_ACTOR: the rollout succeeds and bgctl.dev/ annotations stay within their budget', async () => {
    const actor = `${EVIL}${'A'.repeat(100_000)}`;
    for (const v of ['v4', 'v5', 'v6']) {
      const r = await runBin(
        ['rollout', 'hello', '--image', `ghcr.io/bgctl/hello:${v}`, '--no-verify', '--take-over', '--yes'],
        { env: env(actor) },
      );
      assert.equal(r.code, 0, r.stderr.slice(0, 2000));
      assertClean(`rollout ${v}`, r.stdout + r.stderr);
    }
    const ann = getService(pg.current, 'hello').metadata.annotations ?? {};
    assert.ok(
      bytes(ann[StateAnnotations.rollout]) <= RECORD_BUDGET,
      `rollout record: ${bytes(ann[StateAnnotations.rollout])} bytes`,
    );
    assert.ok(
      bytes(ann[StateAnnotations.history]) <= HISTORY_BUDGET,
      `history: ${bytes(ann[StateAnnotations.history])} bytes`,
    );
    const record = JSON.parse(ann[StateAnnotations.rollout]);
    assert.equal(record.phase, 'promoted');
    assert.ok(record.startedBy.startsWith(EVIL) && record.startedBy.endsWith('…'));
    const total = Object.entries(ann).reduce((n, [k, v]) => n + bytes(k) + bytes(v), 0);
    assert.ok(total < 256 * 1024, `all annotations: ${total} bytes`);
  });
});
