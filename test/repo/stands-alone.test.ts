// The repository stands alone: its sources, docs and README cite only files that are in it, and
// production code needs no test double.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

const CHECKED = [...files(join(ROOT, 'src')), ...files(join(ROOT, 'docs')), join(ROOT, 'README.md')];

/** Lines of the checked files that match `pattern`, as `path:line: text`. */
function hits(pattern: RegExp, among: string[] = CHECKED): string[] {
  return among.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => (pattern.test(line) ? [`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`] : [])),
  );
}

describe('the repository stands alone', () => {
  test('src/, docs/ and README.md cite no document that lives outside the repository', () => {
    assert.deepEqual(
      hits(/PRODUCT\.md|kube-api\.md|knative-serving\.md|landscape\.md|landscape §|style-anchors|shared\/reference/),
      [],
    );
  });

  test('every relative link of docs/ and README.md names a file of the repository', () => {
    const broken: string[] = [];
    for (const file of CHECKED.filter((f) => f.endsWith('.md'))) {
      for (const [, target] of readFileSync(file, 'utf8').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        if (!existsSync(resolve(dirname(file), target))) broken.push(`${relative(ROOT, file)} -> ${target}`);
      }
    }
    assert.deepEqual(broken, []);
  });

  test('production code does not contain the prompt test double', () => {
    assert.deepEqual(hits(/FakePrompter/, files(join(ROOT, 'src'))), []);
  });
});
