// `npm run release [-- --out DIR] [--no-build]`: builds dist/ and packs
// bgctl-VERSION.tar.gz, a self-contained archive for krew
// and for manual installs (docs/plugins.md): bin/ (bgctl, kubectl-bgctl, kn-bgctl), dist/, README.md, a package.json
// that marks the files as CommonJS, and no node_modules beside it. The one package dist/ still loads at run time
// by name (js-yaml, through createRequire, so that it stays off the start-up path) is bundled by esbuild into
// dist/node_modules/, where Node's resolution from dist/ finds it first. The archive is reproducible: fixed
// order, mode, owner and time, so the same build gives the same sha256. Node.js >= 20.17 is still needed.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { builtinModules } from 'node:module';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildCli } from './build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** The shims, as the archive names them (no .js: a directory of them on PATH is a kubectl/kn plugin dir). */
const SHIMS = { 'bgctl.js': 'bgctl', 'kubectl-bgctl.js': 'kubectl-bgctl', 'kn-bgctl.js': 'kn-bgctl' };

export const archiveName = (version = pkg.version) => `bgctl-${version}.tar.gz`;

/** Packages src/ loads by name at run time (`createRequire(import.meta.url)('pkg')`): esbuild cannot bundle those. */
export function runtimeRequires(dir = join(root, 'src')) {
  const found = new Set();
  for (const name of readdirSync(dir, { recursive: true })) {
    if (!String(name).endsWith('.ts')) continue;
    const text = readFileSync(join(dir, String(name)), 'utf8');
    for (const m of text.matchAll(/createRequire\([^)]*\)\(\s*['"]([^'"]+)['"]\s*\)/g)) found.add(m[1]);
  }
  return [...found].filter((p) => !p.startsWith('.') && !p.startsWith('node:') && !builtinModules.includes(p));
}

/** Bundles `name` (with its own dependencies) into one CommonJS file at dist/node_modules/NAME/index.js. */
async function vendor(distDir, name) {
  const dir = join(distDir, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  await build({
    absWorkingDir: root,
    stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: root, loader: 'js' },
    outfile: join(dir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const own = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'));
  const meta = { name, version: own.version, license: own.license, type: 'commonjs', main: 'index.js' };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(meta, null, 2) + '\n');
  for (const f of ['LICENSE', 'LICENSE.md', 'LICENSE.txt']) {
    const from = join(root, 'node_modules', name, f);
    if (existsSync(from)) cpSync(from, join(dir, f));
  }
}

/** The staged tree of the archive, in `stage`. */
async function stageTree(stage, buildFirst) {
  if (buildFirst) await buildCli();
  cpSync(join(root, 'dist'), join(stage, 'dist'), { recursive: true });
  // The Action's bundle runs bin/bgctl.js from a checkout; a plugin install has no use for it.
  for (const f of ['action.js', 'action.js.map']) rmSync(join(stage, 'dist', f), { force: true });
  for (const name of runtimeRequires()) await vendor(join(stage, 'dist'), name);
  mkdirSync(join(stage, 'bin'));
  for (const [from, to] of Object.entries(SHIMS)) cpSync(join(root, 'bin', from), join(stage, 'bin', to));
  for (const f of ['launch.js', 'check-node.js']) cpSync(join(root, 'bin', f), join(stage, 'bin', f));
  for (const f of ['README.md', 'LICENSE']) if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f));
  const meta = {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    type: 'commonjs',
    engines: pkg.engines,
  };
  writeFileSync(join(stage, 'package.json'), JSON.stringify(meta, null, 2) + '\n');
}

/** Every path under `dir`, sorted, directories before what they hold. */
function walk(dir, base = dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const full = join(dir, n);
      return statSync(full).isDirectory() ? [full, ...walk(full, base)] : [full];
    });
}

/** One ustar header block. */
function header(name, size, mode, type) {
  const h = Buffer.alloc(512);
  const put = (s, off, len) => h.write(s, off, len, 'utf8');
  const octal = (n, len) => n.toString(8).padStart(len - 1, '0') + '\0';
  if (Buffer.byteLength(name) > 100) throw new Error(`path too long for the archive: ${name}`);
  put(name, 0, 100);
  put(octal(mode, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(0, 12), 136, 12);
  put('        ', 148, 8);
  put(type, 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  put('root', 265, 32);
  put('root', 297, 32);
  let sum = 0;
  for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return h;
}

/** A gzipped tar of `dir`'s contents: fixed order, owner root, mtime 0; executables 0755, the rest 0644. */
export function tarGz(dir, executable) {
  const blocks = [];
  for (const full of walk(dir)) {
    const name = relative(dir, full).split('\\').join('/');
    if (statSync(full).isDirectory()) {
      blocks.push(header(`${name}/`, 0, 0o755, '5'));
      continue;
    }
    const data = readFileSync(full);
    blocks.push(header(name, data.length, executable(name) ? 0o755 : 0o644, '0'), data);
    if (data.length % 512) blocks.push(Buffer.alloc(512 - (data.length % 512)));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks), { level: 9 });
}

/** Builds the archive into `out`; returns its path and sha256. */
/** Builds dist/ first unless `build` is false (then the current dist/ is packed). */
export async function release({ out = join(root, 'release'), build: buildFirst = true } = {}) {
  const stage = mkdtempSync(join(tmpdir(), 'bgctl-release-'));
  try {
    await stageTree(stage, buildFirst);
    for (const shim of Object.values(SHIMS)) chmodSync(join(stage, 'bin', shim), 0o755);
    const shims = new Set(Object.values(SHIMS).map((s) => `bin/${s}`));
    const archive = tarGz(stage, (name) => shims.has(name));
    mkdirSync(out, { recursive: true });
    const path = join(out, archiveName());
    writeFileSync(path, archive);
    return { path, sha256: createHash('sha256').update(archive).digest('hex') };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  const { path, sha256 } = await release({
    ...(i > 0 && { out: process.argv[i + 1] }),
    build: !process.argv.includes('--no-build'),
  });
  process.stdout.write(`${path}\nsha256 ${sha256}\n`);
}
