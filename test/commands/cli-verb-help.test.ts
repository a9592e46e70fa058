// What `bgctl --help` and every verb's --help show: each verb with its usage term, a description,
// its own flags, the write flags of verbs that write, the inherited global flags in their own
// section, examples, and no doubled default.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VERBS } from '../../src/commands/catalog.js';
import { runCli } from '../helpers/cli.js';

/** The lines of one `Title:` section of a help text, up to the next blank line. */
function section(help: string, title: string): string[] {
  const lines = help.split('\n');
  const start = lines.indexOf(`${title}:`);
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l.trim() === '');
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

describe('verb help', () => {
  test('--help lists every verb with its usage term, in catalog order', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0, r.stderr);
    const terms = section(r.stdout, 'Commands')
      .filter((l) => /^ {2}\S/.test(l))
      .map((l) => l.trim().split(/ {2,}/)[0]);
    assert.deepEqual(terms, [
      'rollout [options] [service]',
      'demo [options]',
      'pin [options] [service]',
      'deploy [options] [service]',
      'stage [options] [service]',
      'split [options] [service]',
      'promote [options] [service]',
      'rollback [options] [service]',
      'cleanup [options] [service]',
      'status [options] [service]',
      'revisions [options] [service]',
      'url [options] [service]',
      'history [service]',
      'verify [options] [service]',
      'analyze [options] [service]',
      'completion <shell>',
      'playground [options]',
      'version',
      'help [verb]',
    ]);
  });

  for (const verb of VERBS) {
    test(`${verb.name} --help: description, examples, global flags in their own section, no doubled default`, async () => {
      const r = await runCli([verb.name, '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(
        verb.description.length > verb.summary.length,
        `${verb.name} has a description longer than its summary`,
      );
      assert.ok(verb.examples.length > 0, `${verb.name} has examples`);
      const examples = section(r.stdout, 'Examples');
      assert.deepEqual(
        examples,
        verb.examples.map((e) => `  ${e}`),
      );
      for (const e of verb.examples)
        assert.match(e, /^(\S+=\S+ )?(source <\()?bgctl |^curl |^export /, `example of ${verb.name} runs bgctl: ${e}`);
      const globals = section(r.stdout, 'Global Options').join('\n');
      for (const flag of [
        '-n, --namespace <namespace>',
        '--context <name>',
        '--kubeconfig <path>',
        '-o, --output <format>',
        '--request-timeout <duration>',
      ]) {
        assert.ok(globals.includes(flag), `${verb.name} --help lists ${flag} under Global Options`);
      }
      const own = section(r.stdout, 'Options').join('\n');
      assert.ok(!own.includes('--namespace'), `${verb.name}: global flags are not mixed into its own Options`);
      if (verb.writes)
        for (const flag of ['--dry-run', '-y, --yes', '--wait', '--no-wait', '--timeout <duration>'])
          assert.ok(own.includes(flag), `${verb.name} lists ${flag}`);
      const notifies = ['rollout', 'pin', 'deploy', 'stage', 'split', 'promote', 'rollback'].includes(verb.name);
      for (const flag of ['--notify <url>', '--notify-format <format>'])
        assert.equal(own.includes(flag), notifies, `${verb.name} ${notifies ? 'lists' : 'does not list'} ${flag}`);
      assert.doesNotMatch(r.stdout, /\(default\)\s*\(default: /, 'no "(default) (default: …)"');
      assert.doesNotMatch(r.stdout, /\(default: [^)]*\)\s*\(default: /, 'no doubled default');
    });
  }

  test('bgctl help VERB prints the same help as bgctl VERB --help', async () => {
    const a = await runCli(['help', 'split']);
    const b = await runCli(['split', '--help']);
    assert.equal(a.code, 0);
    assert.equal(a.stdout, b.stdout);
  });

  test("a verb's own flags are known when it parses its argv (global flags on either side)", async () => {
    const r = await runCli(['-o', 'json', 'split', 'hello', '--percent', 'abc', '--dry-run=bogus']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^Error: invalid value "bogus" for --dry-run/);
    const unknown = await runCli(['status', 'hello', '--image', 'x']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^Error: unknown option '--image'/);
  });

  test("the completion script offers every verb's flags", async () => {
    const r = await runCli(['completion', 'bash']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^ {4}deploy\) flags="--image [^"]*--dry-run -y --yes --wait --no-wait --timeout --gitops --render --render-patch --notify --notify-format -h --help"/m,
    );
    assert.match(r.stdout, /^ {4}split\) flags="[^"]*--percent/m);
  });
});
