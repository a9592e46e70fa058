import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IOStreams } from '../../src/ui/iostreams.js';
import { loadColorSupport, stripAnsi } from '../../src/ui/colors.js';

// chalk is loaded lazily (src/ui/colors.ts); colored schemes need it loaded first.
await loadColorSupport();

const tty = { stdinTTY: true, stdoutTTY: true, stderrTTY: true };

describe('IOStreams.test', () => {
  test('captures stdout and stderr separately', () => {
    const io = IOStreams.test();
    io.out.write('result\n');
    io.err.write('progress\n');
    assert.equal(io.stdout, 'result\n');
    assert.equal(io.stderr, 'progress\n');
    io.reset();
    assert.equal(io.stdout + io.stderr, '');
  });

  test('reports the TTY flags it was given', () => {
    const io = IOStreams.test({ stdinTTY: true, stdoutTTY: false, stderrTTY: true });
    assert.deepEqual([io.isStdinTTY(), io.isStdoutTTY(), io.isStderrTTY()], [true, false, true]);
  });

  test('color defaults to off and follows the explicit flag', () => {
    assert.equal(IOStreams.test(tty).colorEnabled(), false);
    const on = IOStreams.test({ ...tty, color: true });
    assert.equal(on.colorEnabled(), true);
    assert.notEqual(on.colors().success('ok'), 'ok');
    assert.equal(stripAnsi(on.colors().success('ok')), 'ok');
    assert.equal(
      IOStreams.test({ ...tty, color: false })
        .colors()
        .success('ok'),
      'ok',
    );
  });
});

describe('canPrompt', () => {
  const cases: Array<[string, Parameters<typeof IOStreams.test>[0], boolean]> = [
    ['all terminals', tty, true],
    ['stdin piped', { ...tty, stdinTTY: false }, false],
    ['stdout piped', { ...tty, stdoutTTY: false }, false],
    ['stderr piped does not matter', { ...tty, stderrTTY: false }, true],
    ['BGCTL_NO_PROMPT set', { ...tty, env: { BGCTL_NO_PROMPT: '1' } }, false],
  ];
  for (const [name, opts, want] of cases) test(name, () => assert.equal(IOStreams.test(opts).canPrompt(), want));
});

describe('spinnerEnabled', () => {
  test('needs stdout and stderr terminals and no CI', () => {
    assert.equal(IOStreams.test(tty).spinnerEnabled(), true);
    assert.equal(IOStreams.test({ ...tty, stderrTTY: false }).spinnerEnabled(), false);
    assert.equal(IOStreams.test({ ...tty, stdoutTTY: false }).spinnerEnabled(), false);
    assert.equal(IOStreams.test({ ...tty, env: { CI: 'true' } }).spinnerEnabled(), false);
    assert.equal(IOStreams.test({ ...tty, env: { CI: 'false' } }).spinnerEnabled(), true);
  });
});

describe('color policy from env and flags (color: auto)', () => {
  const cases: Array<[string, boolean, Record<string, string>, boolean]> = [
    ['terminal', true, {}, true],
    ['pipe', false, {}, false],
    ['NO_COLOR on a terminal', true, { NO_COLOR: '1' }, false],
    ['empty NO_COLOR is ignored', true, { NO_COLOR: '' }, true],
    ['CLICOLOR=0', true, { CLICOLOR: '0' }, false],
    ['TERM=dumb', true, { TERM: 'dumb' }, false],
    ['FORCE_COLOR=1 in a pipe', false, { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR=0 on a terminal', true, { FORCE_COLOR: '0' }, false],
    ['CLICOLOR_FORCE in a pipe', false, { CLICOLOR_FORCE: '1' }, true],
    ['CLICOLOR_FORCE=0 in a pipe', false, { CLICOLOR_FORCE: '0' }, false],
    ['FORCE_COLOR beats NO_COLOR', false, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
  ];
  for (const [name, stdoutTTY, env, want] of cases) {
    test(name, () => {
      const io = IOStreams.test({ stdoutTTY, env, color: 'auto' });
      assert.equal(io.colorEnabled(), want);
      assert.equal(io.colors().enabled, want);
    });
  }

  test('--no-color wins over everything and resets the memoised scheme', () => {
    const io = IOStreams.test({ stdoutTTY: true, env: { FORCE_COLOR: '3' }, color: 'auto' });
    assert.equal(io.colorLevel(), 3);
    assert.equal(io.colors().enabled, true);
    io.setNoColor(true);
    assert.equal(io.colorEnabled(), false);
    assert.equal(io.colors().fail('x'), 'x');
  });

  test('system() reads the given env and streams', () => {
    const fake = IOStreams.test({ stdoutTTY: true, stdinTTY: true });
    const io = IOStreams.system({ env: { NO_COLOR: '1' }, stdout: fake.out, stdin: fake.in, stderr: fake.err });
    assert.equal(io.isStdoutTTY(), true);
    assert.equal(io.canPrompt(), true);
    assert.equal(io.colorEnabled(), false);
    assert.equal(IOStreams.system({ env: {}, noColor: true, stdout: fake.out }).colorEnabled(), false);
    assert.equal(IOStreams.system({ env: {}, stdout: fake.out }).colorEnabled(), true);
  });
});

describe('terminalWidth and unicode', () => {
  test('uses the terminal columns, else COLUMNS, else 80', () => {
    assert.equal(IOStreams.test({ stdoutTTY: true, width: 132 }).terminalWidth(), 132);
    assert.equal(IOStreams.test({ stdoutTTY: false, width: 132 }).terminalWidth(), 80);
    assert.equal(IOStreams.test({ env: { COLUMNS: '100' } }).terminalWidth(), 100);
  });
  test('unicode glyphs only on a terminal', () => {
    assert.equal(IOStreams.test({ stdoutTTY: true }).unicodeEnabled(), true);
    assert.equal(IOStreams.test({ stdoutTTY: false }).unicodeEnabled(), false);
    assert.equal(IOStreams.test({ stdoutTTY: true, env: { TERM: 'dumb' } }).unicodeEnabled(), false);
  });
});
