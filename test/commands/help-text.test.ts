// The help texts of the catalog: commander wraps descriptions to the help width, so a hard line
// break inside a paragraph shows up as a stray short line (`playground --help` printed "…plus an
// ingress on" on a line of its own). Paragraphs are separated by a blank line ("\n\n") only.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VERBS } from '../../src/commands/catalog.js';
import { runCli } from '../helpers/cli.js';

/** The description block of a verb's --help: the lines between "Usage:" and "Options:". */
function descriptionLines(help: string): string[] {
  const lines = help.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Usage: ')) + 1;
  const end = lines.findIndex((l, i) => i > start && /^(Options|Arguments):$/.test(l));
  return lines.slice(start, end).filter((l) => l.trim() !== '');
}

describe('help texts', () => {
  for (const spec of VERBS) {
    test(`${spec.name}: summary and description have no hard line break inside a paragraph`, () => {
      assert.ok(!spec.summary.includes('\n'), `summary of ${spec.name}: ${JSON.stringify(spec.summary)}`);
      for (const paragraph of spec.description.split('\n\n')) {
        assert.ok(
          !paragraph.includes('\n'),
          `description of ${spec.name} has a lone "\\n": ${JSON.stringify(paragraph)}`,
        );
        assert.equal(
          paragraph,
          paragraph.trim(),
          `description of ${spec.name}: no leading or trailing spaces around a paragraph`,
        );
      }
    });
  }

  test('playground --help: the description is wrapped as one paragraph, with no stray short line', async () => {
    const spec = VERBS.find((s) => s.name === 'playground')!;
    const r = await runCli(['playground', '--help']);
    assert.equal(r.code, 0, r.stderr);
    const lines = descriptionLines(r.stdout);
    assert.equal(lines.join(' '), spec.description, 'the description, re-joined, is the spec text');
    // Greedy wrapping: a line ends early only when the next word would not have fit on it.
    const width = Math.max(80, ...lines.map((l) => l.length));
    for (let i = 0; i + 1 < lines.length; i++) {
      const next = lines[i + 1].split(' ')[0];
      assert.ok(
        lines[i].length + 1 + next.length > width,
        `line ${i + 1} of the description ends early: ${JSON.stringify(lines[i])} (next word ${JSON.stringify(next)})`,
      );
    }
  });
});
