// Bundles the CLI into dist/ with esbuild. Lazy `import()`s become separate chunks, so
// `bgctl --help` never loads @kubernetes/client-node, inquirer or ora.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  // Some CommonJS dependencies call require(); give the ESM bundle a real one.
  banner: { js: "import { createRequire as __bgctlCreateRequire } from 'node:module'; const require = __bgctlCreateRequire(import.meta.url);" },
});
