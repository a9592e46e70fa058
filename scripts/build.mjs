// Bundles the CLI into dist/ with esbuild (docs/benchmarks.md explains why each step is here).
// - Lazy `import()`s become separate chunks, so `bgctl --help` never loads @kubernetes/client-node,
//   inquirer or ora (test/e2e/startup.test.ts checks which chunks a run reads).
// - A dynamic `import('pkg')` keeps every export of pkg alive (esbuild cannot know which ones are
//   read), so @kubernetes/client-node (~840 exports) and @inquirer/prompts (10 prompts, one of which
//   pulls in a 500 kB charset library) resolve to slim entries that re-export only what src/ uses.
//   A name used in src/ but missing from SLIM_ENTRIES fails the build (checkSlimNames).
// - client-node's generated ObjectSerializer imports all ~720 model classes for its type map, and
//   each model builds its attribute table when loaded. bgctl only sends and receives custom objects
//   (type "any"), for which ObjectSerializer passes data through, so the bundle gets a serializer
//   with the same media-type rules and no models (a model type with data throws, loudly). With
//   client-node's files marked side-effect free, the unused models then drop out of the bundle.
// - node-fetch 2 (inside client-node) requires whatwg-url only as a fallback for Node versions
//   without a global URL; the fallback and its 260 kB IDNA table are replaced by Node's URL.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Per slimmed package: exported name -> [module it comes from, its name there]. */
export const SLIM_ENTRIES = {
  // client-node has no "exports" map, so its module files can be imported directly.
  '@kubernetes/client-node': {
    KubeConfig: ['@kubernetes/client-node/dist/config.js', 'KubeConfig'],
    Watch: ['@kubernetes/client-node/dist/watch.js', 'Watch'],
    // The package's CustomObjectsApi is this class, renamed by gen/index.js.
    CustomObjectsApi: ['@kubernetes/client-node/dist/gen/types/ObjectParamAPI.js', 'ObjectCustomObjectsApi'],
  },
  // @inquirer/prompts only re-exports these packages' default exports.
  '@inquirer/prompts': {
    select: ['@inquirer/select', 'default'],
    search: ['@inquirer/search', 'default'],
    confirm: ['@inquirer/confirm', 'default'],
    input: ['@inquirer/input', 'default'],
    number: ['@inquirer/number', 'default'],
  },
};

function slimSource(pkg) {
  return Object.entries(SLIM_ENTRIES[pkg])
    .map(
      ([name, [from, original]]) => `export { ${original === name ? name : `${original} as ${name}`} } from '${from}';`,
    )
    .join('\n');
}

/** Stands in for client-node/dist/gen/models/ObjectSerializer.js; same rules, minus the model classes. */
const OBJECT_SERIALIZER = `
const PRIMITIVES = new Set([
  'string', 'boolean', 'double', 'integer', 'long', 'float', 'number', 'any', 'object', 'date',
]);
const parts = (m) => {
  const [type = '', subtype = ''] = String(m).split(';')[0].trim().toLowerCase().split('/');
  return { type, subtype, tokens: subtype.split('+') };
};
const isJson = (m) => { const p = parts(m); return p.type === 'application' && p.subtype === 'json'; };
const isJsonLike = (m) => { const p = parts(m); return p.type === 'application' && p.tokens.includes('json'); };
const isText = (m) => parts(m).type === 'text';
const PRIORITY = [
  isJson,
  isJsonLike,
  isText,
  (m) => parts(m).subtype === 'octet-stream',
  (m) => parts(m).subtype === 'x-www-form-urlencoded',
];
const passThrough = (data, type) => {
  if (data == null || PRIMITIVES.has(String(type).toLowerCase())) return data;
  throw new Error(
    'bgctl bundles client-node without its model classes; "' + type + '" needs scripts/build.mjs to keep them',
  );
};
export class ObjectSerializer {
  static serialize(data, type) { return passThrough(data, type); }
  static deserialize(data, type) { return passThrough(data, type); }
  static normalizeMediaType(m) { return m === undefined ? undefined : (m.split(';')[0] ?? '').trim().toLowerCase(); }
  static getPreferredMediaType(types) {
    if (types.length === 0) return 'application/json';
    const normal = types.map(ObjectSerializer.normalizeMediaType);
    for (const ok of PRIORITY) for (const m of normal) if (m != null && ok(m)) return m;
    throw new Error('None of the given media types are supported: ' + types.join(', '));
  }
  static stringify(data, m) {
    if (isText(m)) return String(data);
    if (isJsonLike(m)) return JSON.stringify(data);
    throw new Error('The mediaType ' + m + ' is not supported by ObjectSerializer.stringify.');
  }
  static parse(raw, m) {
    if (m === undefined) throw new Error('Cannot parse content. No Content-Type defined.');
    if (isText(m)) return raw;
    if (isJsonLike(m)) return JSON.parse(raw);
    throw new Error('The mediaType ' + m + ' is not supported by ObjectSerializer.parse.');
  }
}
`;

const escape = (s) => s.replace(/[/.@-]/g, (c) => `\\${c}`);

const CLIENT_NODE_DIST = /[\\/]@kubernetes[\\/]client-node[\\/]dist[\\/]/;

/** Serves the slim entries, the serializer and the whatwg-url replacement in place of the real modules. */
export const slimPlugin = {
  name: 'bgctl-slim',
  setup(b) {
    const pkgs = Object.keys(SLIM_ENTRIES);
    const replaced = {
      'whatwg-url': 'module.exports = { URL: globalThis.URL };',
      'object-serializer': OBJECT_SERIALIZER,
      'lazy-child-process': "module.exports = { spawn: (...args) => require('node:child_process').spawn(...args) };",
      'lazy-socks-proxy-agent':
        "module.exports = { get SocksProxyAgent() { return require('socks-proxy-agent').SocksProxyAgent; } };",
    };
    b.onResolve({ filter: new RegExp(`^(${pkgs.map(escape).join('|')})$`) }, (a) => ({
      path: a.path,
      namespace: 'bgctl-slim',
    }));
    b.onResolve({ filter: /^whatwg-url$/ }, () => ({ path: 'whatwg-url', namespace: 'bgctl-slim' }));
    // commander needs child_process only to run executable subcommands, which bgctl has none of;
    // requiring it at start-up would load child_process, net and dgram for every run.
    b.onResolve({ filter: /^node:child_process$/ }, (a) =>
      /[\\/]commander[\\/]/.test(a.importer) ? { path: 'lazy-child-process', namespace: 'bgctl-slim' } : undefined,
    );
    // client-node imports the SOCKS agent (socks, ip-address, debug: the largest start-up cost left
    // in its chunk) for the rare proxy-url: socks5://; a getter defers loading it to that first use.
    b.onResolve({ filter: /^socks-proxy-agent$/ }, (a) =>
      a.namespace === 'bgctl-slim' ? undefined : { path: 'lazy-socks-proxy-agent', namespace: 'bgctl-slim' },
    );
    b.onResolve({ filter: /ObjectSerializer\.js$/ }, (a) =>
      CLIENT_NODE_DIST.test(a.importer) ? { path: 'object-serializer', namespace: 'bgctl-slim' } : undefined,
    );
    // client-node's modules only declare things; marking them side-effect free lets esbuild drop the
    // ones nothing uses (the models, the other API groups) even though index files re-export them.
    b.onResolve({ filter: /.*/ }, async (a) => {
      if (a.pluginData?.bgctlResolved || !CLIENT_NODE_DIST.test(a.importer)) return undefined;
      const r = await b.resolve(a.path, {
        resolveDir: a.resolveDir,
        kind: a.kind,
        importer: a.importer,
        pluginData: { bgctlResolved: true },
      });
      return r.errors.length === 0 && CLIENT_NODE_DIST.test(r.path) ? { path: r.path, sideEffects: false } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'bgctl-slim' }, (a) => ({
      contents: replaced[a.path] ?? slimSource(a.path),
      resolveDir: root,
      loader: 'js',
    }));
  },
};

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((n) => {
    const full = join(dir, n);
    return statSync(full).isDirectory() ? sourceFiles(full) : n.endsWith('.ts') ? [full] : [];
  });
}

/**
 * The names src/ reads from a dynamically imported slim package: `x = await import(pkg)` then `x.Name`,
 * `{ A, B: b } = await import(pkg)`, `typeof import(pkg).Name`, and `p.Name` for a `p: typeof import(pkg)`.
 */
export function usedNames(source, pkg) {
  const spec = `import\\(\\s*['"]${escape(pkg)}['"]\\s*\\)`;
  const names = new Set();
  const add = (re, group = 1) => {
    for (const m of source.matchAll(re)) names.add(m[group]);
  };
  for (const m of source.matchAll(new RegExp(`\\{([^}]*)\\}\\s*=\\s*await\\s+${spec}`, 'g'))) {
    for (const part of m[1].split(',')) if (part.trim()) names.add(part.trim().split(/\s*:\s*/)[0]);
  }
  add(new RegExp(`typeof\\s+${spec}\\.(\\w+)`, 'g'));
  const holders = [
    ...source.matchAll(new RegExp(`(\\w+)\\s*=\\s*await\\s+${spec}`, 'g')),
    ...source.matchAll(new RegExp(`(\\w+)\\s*:\\s*typeof\\s+${spec}(?!\\.)`, 'g')),
  ];
  for (const h of holders) add(new RegExp(`\\b${h[1]}\\.(\\w+)`, 'g'));
  return names;
}

/** Throws if src/ reads a name of a slimmed package that its slim entry does not export. */
export function checkSlimNames(srcDir = join(root, 'src')) {
  const problems = [];
  for (const file of sourceFiles(srcDir)) {
    const text = readFileSync(file, 'utf8');
    for (const pkg of Object.keys(SLIM_ENTRIES)) {
      if (!text.includes(pkg)) continue;
      for (const name of usedNames(text, pkg)) {
        if (!(name in SLIM_ENTRIES[pkg])) problems.push(`${file.slice(root.length)} uses ${pkg} "${name}"`);
      }
    }
  }
  if (problems.length) throw new Error(`add these to SLIM_ENTRIES in scripts/build.mjs: ${problems.join('; ')}`);
}

/** What both stages share: Node 20 code, minified, with linked source maps. */
const COMMON = {
  absWorkingDir: root,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
};

/** The ESM build with code splitting: every lazy `import()` becomes a chunk of its own. */
function buildEsm(outdir, minify) {
  return build({
    ...COMMON,
    entryPoints: { cli: 'src/cli.ts' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    minify,
    metafile: true,
    plugins: [slimPlugin],
  });
}

/**
 * Rewrites each ESM chunk as a CommonJS file, keeping the chunk structure and chaining the source
 * maps. Why: Node 20 pays ~15 ms to start its ESM loader and then resolves, links and compiles each
 * chunk as a module graph, where `require` loads the same code in a fraction of that (the `--help`
 * and `status` figures in docs/benchmarks.md). `import()` becomes `require()` behind a promise, so a
 * lazy chunk still loads only when its path runs. ESM code is strict, and so is every output file.
 */
async function convertToCommonJs(esmDir, outdir, minify) {
  const files = readdirSync(esmDir).filter((n) => n.endsWith('.js'));
  // Our own chunks, not Node's ESM importing CommonJS: `await import('./ora-….js')` must read the
  // chunk's `default` export, not wrap its whole exports object as `default` (Node-mode interop,
  // which esbuild applies to .js files of a "type": "module" package like this one).
  writeFileSync(join(esmDir, 'package.json'), '{ "type": "commonjs" }\n');
  await build({
    ...COMMON,
    entryPoints: files.map((n) => join(esmDir, n)),
    outdir,
    bundle: false,
    format: 'cjs',
    minify,
    supported: { 'dynamic-import': false },
    // import.meta.url keeps meaning a file: URL (src/ui/document.ts passes it to createRequire).
    // The banner comes first in the file, so it repeats the "use strict" that keeps ESM semantics.
    banner: { js: "'use strict'; var __bgctlImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__bgctlImportMetaUrl' },
  });
  dropDanglingSourceMaps(esmDir, outdir);
}

/**
 * A chunk with no source of its own (esbuild's runtime helpers, a re-export) has an empty ESM-stage
 * map, so its CommonJS map would name the deleted intermediate file: such a chunk gets no map.
 */
function dropDanglingSourceMaps(esmDir, outdir) {
  const dir = join(root, outdir);
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.js.map'))) {
    const map = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    if (!map.sources.some((src) => join(dir, src).startsWith(esmDir))) continue;
    rmSync(join(dir, name));
    const js = join(dir, name.slice(0, -'.map'.length));
    writeFileSync(js, readFileSync(js, 'utf8').replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n'));
  }
}

/**
 * dist/action.js, the GitHub Action's process (action.yml): one CommonJS file, no chunks. It runs
 * bin/bgctl.js as a child and never loads the CLI's code itself.
 */
function buildAction(outdir, minify) {
  return build({
    ...COMMON,
    entryPoints: { action: 'src/action/entry.ts' },
    outdir,
    bundle: true,
    format: 'cjs',
    minify,
    banner: { js: "'use strict'; var __bgctlImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__bgctlImportMetaUrl' },
  });
}

/** Builds dist/; returns esbuild's result for the ESM stage (its metafile lists what went into each chunk). */
export async function buildCli({ outdir = 'dist', minify = true } = {}) {
  checkSlimNames();
  const esmDir = join(root, '.tmp', `esm-${process.pid}`);
  rmSync(esmDir, { recursive: true, force: true });
  try {
    const result = await buildEsm(esmDir, minify);
    rmSync(join(root, outdir), { recursive: true, force: true });
    // dist/ sits inside a "type": "module" package; this marks its .js files as CommonJS, and it is
    // written first so that no moment exists in which the chunks are there and would load as ESM.
    mkdirSync(join(root, outdir), { recursive: true });
    writeFileSync(join(root, outdir, 'package.json'), '{ "type": "commonjs" }\n');
    await convertToCommonJs(esmDir, outdir, minify);
    await buildAction(outdir, minify);
    return result;
  } finally {
    rmSync(esmDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
