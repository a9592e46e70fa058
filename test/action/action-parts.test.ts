// The Action's pieces in-process: workflow-command escaping, the GITHUB_OUTPUT forms, Markdown
// escaping of cluster strings, inputs to flags, and action.yml agreeing with the inputs the script reads.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { annotation, escapeData, escapeProperty, setOutput } from '../../src/action/workflow-commands.js';
import { md } from '../../src/action/summary.js';
import { INPUT_NAMES, InputError, readInputs } from '../../src/action/inputs.js';
import { credentialValues } from '../../src/action/kubeconfig.js';
import { parseOutputFile } from './action-runner.js';

describe('workflow commands', () => {
  test('data escapes %, CR and LF; properties also : and ,', () => {
    assert.equal(escapeData('100% done\r\nnext'), '100%25 done%0D%0Anext');
    assert.equal(escapeProperty('exit 3: a, b%'), 'exit 3%3A a%2C b%25');
  });

  test('an annotation is one line whatever the cluster sent: control characters inert, lines encoded', () => {
    const a = annotation('error', 'title: x,y', 'first\n::error::forged\x1b[2J\rend');
    assert.equal(a, '::error title=title%3A x%2Cy::first%0A::error::forged\\x1b[2J\\rend\n');
    assert.equal(a.split('\n').length, 2);
  });

  test('outputs: name=value on one line, name<<DELIMITER for a value with line breaks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgctl-output-'));
    try {
      const file = join(dir, 'out');
      setOutput(file, 'phase', 'promoted');
      setOutput(file, 'result', '{\n  "a": "ghadelimiter_x"\n}');
      const text = readFileSync(file, 'utf8');
      assert.match(
        text,
        /^phase=promoted\nresult<<(ghadelimiter_[0-9a-f]{32})\n\{\n {2}"a": "ghadelimiter_x"\n\}\n\1\n$/,
      );
      assert.deepEqual(parseOutputFile(text), { phase: 'promoted', result: '{\n  "a": "ghadelimiter_x"\n}' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('summary Markdown', () => {
  test('cluster strings cannot add markup, HTML, table cells or lines', () => {
    assert.equal(md('<img src=x onerror=alert(1)>'), '&lt;img src=x onerror=alert(1)&gt;');
    assert.equal(md('a | b [link](javascript:x) `c` *d*'), 'a \\| b \\[link\\](javascript:x) \\`c\\` \\*d\\*');
    assert.equal(md('two\nlines'), 'two\\\\nlines'); // printable's \n, its backslash escaped
    assert.equal(md(undefined), '-');
  });
});

describe('inputs', () => {
  const env = (inputs: Record<string, string>) =>
    Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));

  test('each input becomes its flag; gates one per line; --yes and -o json are added by the run', () => {
    const i = readInputs(
      env({
        service: 'web',
        namespace: 'shop',
        context: 'prod',
        image: 'ghcr.io/acme/web:v2',
        tag: 'v2',
        steps: '10,50,100',
        pause: '2m',
        'verify-path': '/healthz',
        'expect-status': '2xx',
        gates: 'error-rate<2%\n\n  # a comment\np95-latency<500ms  \n',
        prometheus: 'http://prometheus:9090',
        until: 'split',
        resume: 'false',
        abort: 'False',
        rollback: 'false',
        retire: 'TRUE',
        args: '--env=MODE=blue\n--max-latency=1s',
      }),
    );
    assert.equal(i.service, 'web');
    assert.deepEqual(i.globals, ['--namespace', 'shop', '--context', 'prod']);
    assert.deepEqual(i.rolloutFlags, [
      '--image=ghcr.io/acme/web:v2',
      '--tag=v2',
      '--percents=10,50,100',
      '--pause=2m',
      '--verify-path=/healthz',
      '--expect-status=2xx',
      '--prometheus=http://prometheus:9090',
      '--until=split',
      '--gate=error-rate<2%',
      '--gate=p95-latency<500ms',
      '--no-rollback',
      '--retire',
      '--env=MODE=blue',
      '--max-latency=1s',
    ]);
  });

  test('service is required; booleans are YAML 1.2 true/false only', () => {
    assert.throws(() => readInputs(env({ image: 'x' })), InputError);
    assert.throws(() => readInputs(env({ service: 'web', abort: 'yes' })), /input "abort" must be true or false/);
  });

  test('credential values of a kubeconfig are found for masking', () => {
    const text = 'users:\n- name: u\n  user:\n    token: "abc.def"\n    client-key-data: S0VZ\n    username: admin\n';
    assert.deepEqual(credentialValues(text), ['abc.def', 'S0VZ']);
  });
});

describe('action.yml', () => {
  const manifest = yaml.load(readFileSync(fileURLToPath(new URL('../../action.yml', import.meta.url)), 'utf8')) as {
    inputs: Record<string, unknown>;
    outputs: Record<string, { value: string }>;
    runs: { using: string; steps: Array<{ id?: string; env?: Record<string, string>; run?: string }> };
  };
  const step = manifest.runs.steps.find((s) => s.id === 'rollout')!;

  test('every input the script reads is declared and passed as INPUT_<NAME> (hyphens kept), and no other', () => {
    assert.equal(manifest.runs.using, 'composite');
    const declared = Object.keys(manifest.inputs).filter((n) => n !== 'node-version');
    assert.deepEqual(declared.sort(), [...INPUT_NAMES].sort());
    assert.deepEqual(
      step.env,
      Object.fromEntries(INPUT_NAMES.map((n) => [`INPUT_${n.toUpperCase()}`, `\${{ inputs.${n} }}`])),
    );
    assert.match(step.run ?? '', /node "\$GITHUB_ACTION_PATH\/dist\/action\.js"/);
  });

  test('every output is the rollout step output of the same name', () => {
    assert.deepEqual(Object.keys(manifest.outputs).sort(), [
      'exit-code',
      'phase',
      'result',
      'revision',
      'stable-revision',
      'tag-url',
      'url',
    ]);
    for (const [name, o] of Object.entries(manifest.outputs))
      assert.equal(o.value, `\${{ steps.rollout.outputs.${name} }}`);
  });
});
