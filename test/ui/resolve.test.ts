import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelError, ExitCode, PausedError, UsageError, exitCodeOf } from '../../src/core/errors.js';
import { IOStreams } from '../../src/ui/iostreams.js';
import type { Prompter } from '../../src/ui/prompter.js';
import { CANCEL, FakePrompter } from '../helpers/fake-prompter.js';
import { YES_REQUIRED_MESSAGE, confirmChange, requiredMessage, resolveValue } from '../../src/ui/resolve.js';

const terminal = (env: Record<string, string> = {}) =>
  IOStreams.test({ stdinTTY: true, stdoutTTY: true, stderrTTY: true, env });
const pipe = (env: Record<string, string> = {}) => IOStreams.test({ env });
const askImage = (p: { input(m: string): Promise<string> }) => p.input('Image for the new revision');

describe('resolveValue', () => {
  test('the flag wins and nothing is asked', async () => {
    const p = new FakePrompter();
    const v = await resolveValue(terminal({ BGCTL_IMAGE: 'env:2' }), p, {
      flag: '--image',
      value: 'flag:1',
      env: 'BGCTL_IMAGE',
      prompt: askImage,
    });
    assert.equal(v, 'flag:1');
    assert.deepEqual(p.asked, []);
  });

  test('then the environment, on and off a terminal', async () => {
    for (const io of [terminal({ BGCTL_IMAGE: 'env:2' }), pipe({ BGCTL_IMAGE: 'env:2' })]) {
      const p = new FakePrompter();
      assert.equal(
        await resolveValue(io, p, { flag: '--image', value: undefined, env: 'BGCTL_IMAGE', prompt: askImage }),
        'env:2',
      );
      assert.deepEqual(p.asked, []);
    }
  });

  test('env values go through parse; a bad one is a usage error naming the variable', async () => {
    const parse = (raw: string) => {
      const n = Number(raw);
      if (!Number.isInteger(n)) throw new Error(`"${raw}" is not a whole number`);
      return n;
    };
    const spec = {
      flag: '--percent',
      value: undefined,
      env: 'BGCTL_PERCENT',
      parse,
      prompt: (p: Prompter) => p.number('Percent'),
    };
    assert.equal(await resolveValue(pipe({ BGCTL_PERCENT: '50' }), new FakePrompter(), spec), 50);
    await assert.rejects(resolveValue(pipe({ BGCTL_PERCENT: 'half' }), new FakePrompter(), spec), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.match(err.message, /BGCTL_PERCENT.*not a whole number/);
      return true;
    });
  });

  test('an empty env var counts as unset', async () => {
    const p = new FakePrompter({ 'Image for the new revision': 'typed:3' });
    assert.equal(
      await resolveValue(terminal({ BGCTL_IMAGE: '' }), p, {
        flag: '--image',
        value: undefined,
        env: 'BGCTL_IMAGE',
        prompt: askImage,
      }),
      'typed:3',
    );
  });

  test('then a prompt on a terminal', async () => {
    const p = new FakePrompter({ 'Image for the new revision': 'typed:3' });
    assert.equal(
      await resolveValue(terminal(), p, { flag: '--image', value: undefined, env: 'BGCTL_IMAGE', prompt: askImage }),
      'typed:3',
    );
    p.assertAllConsumed();
  });

  test('without a terminal a missing value is a usage error naming the flag (exit 2)', async () => {
    const p = new FakePrompter({ 'Image for the new revision': 'never' });
    await assert.rejects(
      resolveValue(pipe(), p, { flag: '--image', value: undefined, env: 'BGCTL_IMAGE', prompt: askImage }),
      (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.equal(err.message, '--image is required when not running interactively');
        assert.equal(err.message, requiredMessage('--image'));
        assert.match(err.hint ?? '', /BGCTL_IMAGE/);
        assert.equal(exitCodeOf(err), ExitCode.Usage);
        return true;
      },
    );
    assert.deepEqual(p.asked, []);
  });

  test('BGCTL_NO_PROMPT on a terminal behaves like a pipe', async () => {
    await assert.rejects(
      resolveValue(terminal({ BGCTL_NO_PROMPT: '1' }), new FakePrompter(), {
        flag: '--tag',
        value: undefined,
        prompt: (p) => p.input('Tag'),
      }),
      /--tag is required when not running interactively/,
    );
  });

  test('falsy flag values (0, false, "") are values, not missing', async () => {
    const never = () => Promise.reject(new Error('prompted'));
    assert.equal(await resolveValue(pipe(), new FakePrompter(), { flag: '--percent', value: 0, prompt: never }), 0);
    assert.equal(
      await resolveValue(pipe(), new FakePrompter(), { flag: '--retire', value: false, prompt: never }),
      false,
    );
  });
});

describe('confirmChange', () => {
  const message = 'Send 50% of traffic to hello-00002?';

  test('--yes skips the question on and off a terminal', async () => {
    for (const io of [terminal(), pipe()]) {
      const p = new FakePrompter();
      await confirmChange(io, p, { yes: true, message });
      assert.deepEqual(p.asked, []);
    }
  });

  test('on a terminal it asks; yes goes ahead', async () => {
    const p = new FakePrompter({ [message]: true });
    await confirmChange(terminal(), p, { yes: false, message });
    assert.deepEqual(
      p.asked.map((a) => a.kind),
      ['confirm'],
    );
  });

  test('on a terminal, no throws CancelError (exit 130) by default', async () => {
    await assert.rejects(
      confirmChange(terminal(), new FakePrompter({ [message]: false }), { yes: undefined, message }),
      (err: unknown) => {
        assert.ok(err instanceof CancelError);
        assert.equal(exitCodeOf(err), 130);
        return true;
      },
    );
  });

  test('onDecline picks the error, e.g. a pause the wizard can resume', async () => {
    await assert.rejects(
      confirmChange(terminal(), new FakePrompter({ [message]: false }), {
        yes: false,
        message,
        onDecline: () => new PausedError('paused before the split'),
      }),
      PausedError,
    );
  });

  test('the question defaults to no', async () => {
    let seen: boolean | undefined;
    class Spy extends FakePrompter {
      override async confirm(_m: string, o?: { default?: boolean }): Promise<boolean> {
        seen = o?.default;
        return true;
      }
    }
    await confirmChange(terminal(), new Spy(), { yes: false, message });
    assert.equal(seen, false);
  });

  test('defaultAnswer makes Enter say yes (the demo), and withoutTerminal replaces the refusal message', async () => {
    let seen: boolean | undefined;
    class Spy extends FakePrompter {
      override async confirm(_m: string, o?: { default?: boolean }): Promise<boolean> {
        seen = o?.default;
        return true;
      }
    }
    await confirmChange(terminal(), new Spy(), { yes: false, message, defaultAnswer: true });
    assert.equal(seen, true);
    await assert.rejects(
      confirmChange(pipe(), new FakePrompter(), { yes: false, message, withoutTerminal: 'writes only with --yes' }),
      (err: unknown) =>
        err instanceof UsageError &&
        err.message === 'writes only with --yes' &&
        err.reason === 'ConfirmationRequired' &&
        err.exitCode === 2,
    );
  });

  test('without a terminal and without --yes it is a usage error and nothing is asked', async () => {
    const p = new FakePrompter({ [message]: true });
    await assert.rejects(confirmChange(pipe(), p, { yes: false, message }), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.equal(err.message, YES_REQUIRED_MESSAGE);
      assert.match(err.message, /traffic moves only with --yes/);
      return true;
    });
    assert.deepEqual(p.unconsumed(), [message]);
  });

  test('Ctrl-C at the question is a CancelError', async () => {
    await assert.rejects(
      confirmChange(terminal(), new FakePrompter({ [message]: CANCEL }), { yes: false, message }),
      CancelError,
    );
  });
});
