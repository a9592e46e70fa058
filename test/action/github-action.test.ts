// The GitHub Action as the runner runs it (dist/action.js, npm run build first) against the playground:
// inputs as INPUT_* variables, the outputs and job summary files it writes, the workflow commands on
// its stdout, its exit code (bgctl's), and the kubeconfig input never shown anywhere.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { createReadyService, specTraffic } from '../commands/step-helpers.js';
import { runAction, type ActionRun } from './action-runner.js';

/** Lines of stdout that are workflow commands of this kind. */
const commands = (r: ActionRun, kind: string) => r.stdout.split('\n').filter((l) => l.startsWith(`::${kind} `));

describe('GitHub Action (dist/action.js) against the playground', () => {
  const pg = usePlayground();
  const env = () => ({ BGCTL_INGRESS: pg.current.ingress });
  const kubeconfig = () => ({ kubeconfig: pg.current.kubeconfig });

  /** Neither the kubeconfig nor its token appear in anything the run printed or wrote. */
  function assertNoCredentials(r: ActionRun) {
    for (const [where, text] of Object.entries({
      stdout: r.stdout,
      stderr: r.stderr,
      summary: r.summary,
      outputs: r.outputFile,
    })) {
      assert.ok(!text.includes(pg.current.token), `token in ${where}`);
      assert.ok(!text.includes(pg.current.kubeconfig.trim()), `kubeconfig in ${where}`);
    }
    assert.deepEqual(r.tempLeft, [], 'the kubeconfig file is removed');
  }

  test('a passing rollout: outputs, summary with traffic before and after, checks and URLs, exit 0', async () => {
    await createReadyService(pg.current, 'ok');
    const r = await runAction(
      {
        service: 'ok',
        image: 'ghcr.io/bgctl/hello:v2',
        ...kubeconfig(),
        steps: '50,100',
        'verify-path': '/',
        'expect-status': '200',
        requests: '2',
      },
      env(),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(commands(r, 'error'), []);
    assert.match(r.outputFile, /^exit-code=0$/m);
    assert.match(r.outputFile, /^phase=promoted$/m);
    assert.match(r.outputFile, /^result<<ghadelimiter_[0-9a-f]{32}$/m);
    const { result, ...outputs } = r.outputs;
    assert.deepEqual(outputs, {
      'exit-code': '0',
      phase: 'promoted',
      revision: 'ok-00002',
      'stable-revision': 'ok-00001',
      url: 'http://ok.default.example.com',
      'tag-url': 'http://candidate-ok.default.example.com',
    });
    assert.equal(JSON.parse(result).kind, 'RolloutResult');
    assert.deepEqual(specTraffic(pg.current, 'ok'), [
      { tag: 'candidate', revisionName: 'ok-00002', percent: 100 },
      { tag: 'previous', revisionName: 'ok-00001', percent: 0 },
    ]);

    const s = r.summary;
    assert.match(s, /^## ✅ bgctl rollout: ok \(namespace default\)$/m);
    assert.match(s, /^phase \*\*promoted\*\*, outcome completed, exit code 0$/m);
    const before = s.slice(s.indexOf('### Traffic before'), s.indexOf('### Traffic after'));
    assert.match(before, /^\| ok-00001 \(latest\) \| - \| 100% \|$/m);
    const after = s.slice(s.indexOf('### Traffic after'), s.indexOf('### Checks'));
    assert.match(after, /^\| ok-00002 \| candidate \| 100% \|$/m);
    assert.match(after, /^\| ok-00001 \| previous \| 0% \|$/m);
    assert.match(
      s,
      /^\| ok-00002 \| http:\/\/candidate-ok\.default\.example\.com\/ \| Passed \| 2 \| 0 \| \d+ ms \| - \|$/m,
    );
    assert.match(s, /^_no metric gates in this run_$/m);
    assert.match(s, /^- Service: http:\/\/ok\.default\.example\.com$/m);
    assert.match(s, /^- Candidate: http:\/\/candidate-ok\.default\.example\.com \(ok-00002, tag candidate\)$/m);
    // bgctl's own log is fenced: nothing it prints is taken as a workflow command.
    const fences = r.stderr.match(/^::stop-commands::([0-9a-f]{32})$/gm) ?? [];
    assert.equal(fences.length, 2, 'status and rollout each fenced');
    for (const f of fences) assert.ok(r.stderr.includes(`::${f.slice('::stop-commands::'.length)}::`));
    assertNoCredentials(r);
  });

  test('a failing verification: ::error annotations, rolled back, exit 3, outputs and summary say so', async () => {
    await createReadyService(pg.current, 'bad');
    const r = await runAction(
      {
        service: 'bad',
        image: 'ghcr.io/bgctl/hello:v2',
        ...kubeconfig(),
        'expect-body': 'no such body',
        requests: '2',
      },
      env(),
    );
    assert.equal(r.code, 3, r.stderr);
    const errors = commands(r, 'error');
    assert.equal(errors.length, 2, r.stdout);
    assert.match(
      errors[0],
      /^::error title=bgctl rollout%3A exit 3::verification of bad-00002 \(tag "candidate"\) failed: 2 of 2 requests failed%0Atraffic is back on bad-00001; fix the revision and run a new rollout$/,
    );
    assert.match(
      errors[1],
      /^::error title=Verification failed%3A bad-00002::2 of 2 requests failed%0A2× body does not match \/no such body\/$/,
    );
    assert.equal(r.outputs['exit-code'], '3');
    assert.equal(r.outputs.phase, 'rolled-back');
    assert.equal(r.outputs.revision, 'bad-00002');
    assert.equal(r.outputs['stable-revision'], 'bad-00001');
    assert.match(r.summary, /^## ❌ bgctl rollout: bad \(namespace default\)$/m);
    assert.match(r.summary, /^> verification of bad-00002 \(tag "candidate"\) failed: 2 of 2 requests failed$/m);
    assert.match(
      r.summary,
      /^\| bad-00002 \| .* \| Failed \| 2 \| 2 \| .* \| 2 of 2 requests failed<br>2× body does not match \/no such body\/ \|$/m,
    );
    assert.match(r.summary.slice(r.summary.indexOf('### Traffic after')), /^\| bad-00001 \| stable \| 100% \|$/m);
    assertNoCredentials(r);
  });

  test('until stops with exit 8 and a notice (no error); resume finishes the rollout', async () => {
    await createReadyService(pg.current, 'twostep');
    const first = await runAction(
      { service: 'twostep', image: 'ghcr.io/bgctl/hello:v2', ...kubeconfig(), until: 'staged', requests: '1' },
      env(),
    );
    assert.equal(first.code, 8, first.stderr);
    assert.deepEqual(commands(first, 'error'), []);
    assert.equal(commands(first, 'notice').length, 1);
    assert.equal(first.outputs.phase, 'staged');
    assert.match(first.summary, /^## ⏸️ bgctl rollout: twostep/m);
    const second = await runAction({ service: 'twostep', ...kubeconfig(), resume: 'true', requests: '1' }, env());
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.outputs.phase, 'promoted');
    assert.equal(second.outputs.revision, 'twostep-00002');
  });

  test("bgctl's usage error: exit 2 with its reason in the annotation, nothing written, traffic read again", async () => {
    await createReadyService(pg.current, 'usage');
    const r = await runAction(
      { service: 'usage', image: 'ghcr.io/bgctl/hello:v2', ...kubeconfig(), steps: '0,200' },
      env(),
    );
    assert.equal(r.code, 2, r.stderr);
    const errors = commands(r, 'error');
    assert.equal(errors.length, 1, r.stdout);
    assert.match(errors[0], /^::error title=bgctl rollout%3A exit 2 \(\w+\)::.*--percents/);
    assert.deepEqual(r.outputs, { 'exit-code': '2' });
    assert.deepEqual(specTraffic(pg.current, 'usage'), [{ latestRevision: true, percent: 100 }]);
    assert.match(
      r.summary.slice(r.summary.indexOf('### Traffic after')),
      /^\| usage-00001 \(latest\) \| - \| 100% \|$/m,
    );
    assertNoCredentials(r);
  });

  test('an invalid boolean input is refused before bgctl runs: exit 2, ::error, exit-code output', async () => {
    const r = await runAction({ service: 'never', ...kubeconfig(), resume: 'yes' }, env());
    assert.equal(r.code, 2);
    assert.deepEqual(commands(r, 'error'), [
      '::error title=bgctl%3A invalid input::input "resume" must be true or false, not "yes"',
    ]);
    assert.deepEqual(r.outputs, { 'exit-code': '2' });
    assert.equal(r.stderr, '');
  });

  test('a base64 kubeconfig works; its decoded token is shown only in ::add-mask::', async () => {
    await createReadyService(pg.current, 'b64');
    const r = await runAction(
      {
        service: 'b64',
        kubeconfig: Buffer.from(pg.current.kubeconfig)
          .toString('base64')
          .replace(/(.{76})/g, '$1\n'),
        image: 'ghcr.io/bgctl/hello:v2',
        until: 'staged',
      },
      env(),
    );
    assert.equal(r.code, 8, r.stderr);
    assert.equal(r.outputs.phase, 'staged');
    const lines = r.stdout.split('\n').filter((l) => l.includes(pg.current.token));
    assert.deepEqual(lines, [`::add-mask::${pg.current.token}`]);
    for (const text of [r.stderr, r.summary, r.outputFile]) assert.ok(!text.includes(pg.current.token));
    assert.deepEqual(r.tempLeft, []);
  });
  test('a cancelled job (SIGINT during the pause): exit 130, the rollout left resumable, kubeconfig removed, outputs and summary written', async () => {
    await createReadyService(pg.current, 'cancelled');
    const r = await runAction(
      {
        service: 'cancelled',
        image: 'ghcr.io/bgctl/hello:v2',
        ...kubeconfig(),
        steps: '50,100',
        pause: '10m',
        requests: '2',
      },
      env(),
      { when: /Pausing 600s at 50%/, signal: 'SIGINT' },
    );
    assert.equal(r.code, 130, r.stdout + r.stderr);
    assert.equal(r.outputs['exit-code'], '130');
    assert.match(r.summary, /exit code 130/);
    assert.deepEqual(
      specTraffic(pg.current, 'cancelled')
        .filter((t) => t.percent > 0)
        .map((t) => [t.revisionName, t.percent]),
      [
        ['cancelled-00001', 50],
        ['cancelled-00002', 50],
      ],
      'the split stays: a cancelled job neither promotes nor rolls back',
    );
    assertNoCredentials(r);
  });
});
