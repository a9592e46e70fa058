// What the output layer loads: js-yaml only when a YAML document is rendered, and no Chalk styling
// with color off. The module loads are observed in a child process (ESM load hook + require cache),
// because this test process may have loaded anything already.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createColorScheme, Icons, loadColorSupport } from '../../src/ui/colors.js';

// chalk is loaded lazily (src/ui/colors.ts); colored schemes need it loaded first.
await loadColorSupport();

const ROOT = resolve(import.meta.dirname, '..', '..');

const HOOKS = `import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(file, url + '\\n');
  return next(url, context);
}
`;

/** Runs `body` (an ESM script; `doc` is src/ui/document.ts, `loaded()` the modules so far) in a child with tsx. */
function inChild(body: string): any {
  const dir = mkdtempSync(join(tmpdir(), 'bgctl-lazy-'));
  try {
    const trace = join(dir, 'loaded.txt');
    writeFileSync(trace, '');
    writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
    writeFileSync(
      join(dir, 'register.mjs'),
      `import { register } from 'node:module';\nregister('./hooks.mjs', { parentURL: import.meta.url, data: { file: ${JSON.stringify(trace)} } });\n`,
    );
    const docUrl = pathToFileURL(join(ROOT, 'src/ui/document.ts')).href;
    writeFileSync(
      join(dir, 'child.mjs'),
      `import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(docUrl)});
const yamlCjs = require.resolve('js-yaml');
const loaded = () => ({ esm: readFileSync(${JSON.stringify(trace)}, 'utf8').split('\\n').filter((u) => u.includes('/node_modules/js-yaml/')), cjs: yamlCjs in require.cache });
const doc = await import(${JSON.stringify(docUrl)});
${body}
`,
    );
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--import', pathToFileURL(join(dir, 'register.mjs')).href, join(dir, 'child.mjs')],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').at(-1) as string);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('lazy loading in the output layer', () => {
  test('JSON documents never load js-yaml; the first YAML document does, and renders as before', () => {
    const r = inChild(`
const d = { apiVersion: 'bgctl.dev/v1', kind: 'Thing', name: 'hello', list: [1, 'two'], nested: { b: true, a: null } };
const json = doc.renderJSON(d);
const afterJson = loaded();
const yaml = doc.renderYAML(d);
const afterYaml = loaded();
console.log(JSON.stringify({ json, afterJson, yaml, afterYaml }));
`);
    assert.deepEqual(r.afterJson, { esm: [], cjs: false });
    assert.equal(r.afterYaml.cjs, true);
    assert.equal(
      r.yaml,
      'apiVersion: bgctl.dev/v1\nkind: Thing\nlist:\n  - 1\n  - two\nname: hello\nnested:\n  a: null\n  b: true\n',
    );
    assert.equal(JSON.parse(r.json).name, 'hello');
  });

  test('color off: one shared pass-through scheme, plain icons; color on: escape codes', () => {
    const off = createColorScheme(0);
    assert.equal(createColorScheme(0), off, 'no scheme (and no Chalk instance) is built per call with color off');
    assert.equal(off.enabled, false);
    for (const f of [off.success, off.warn, off.fail, off.muted, off.bold, off.accent]) assert.equal(f('text'), 'text');
    assert.deepEqual([off.successIcon, off.warnIcon, off.failIcon], [Icons.success, Icons.warn, Icons.fail]);
    const on = createColorScheme(1);
    assert.equal(on.enabled, true);
    assert.equal(on.success('ok'), '\u001b[32mok\u001b[39m');
    assert.equal(on.failIcon, `\u001b[31m${Icons.fail}\u001b[39m`);
  });
});
