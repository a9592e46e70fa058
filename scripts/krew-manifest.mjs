// `node scripts/krew-manifest.mjs --url-base URL [--archive PATH] [--out FILE] [--homepage URL]`:
// writes the krew plugin manifest
// (plugins/krew/bgctl.yaml) for the archive `npm run release` built, with its sha256. The archive is plain
// JavaScript, so every platform points at the same file. The URL base is where the release job uploads the
// archive (e.g. https://github.com/OWNER/bgctl/releases/download/v0.1.0/): required, so no placeholder is ever
// written. The manifest is not committed here; it goes to the krew index (docs/plugins.md).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { archiveName } from './release.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const PLATFORMS = ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64'];

const CAVEATS = `bgctl is a Node.js program: it needs Node.js ${pkg.engines.node.replace('>=', '')} or newer as
\`node\` on PATH (krew installs the plugin, not a runtime). With an older Node, kubectl bgctl says so
and exits 1; with no \`node\` at all, running it fails with "env: 'node': No such file or directory".

Use kubectl's global flags after the plugin name:
  kubectl bgctl status SERVICE --context CTX -n NAMESPACE
`;

/** The manifest for an archive with this sha256, downloadable at `urlBase` + its name. */
export function krewManifest({ urlBase, sha256, version = pkg.version, homepage = pkg.homepage }) {
  const uri = new URL(archiveName(version), urlBase.endsWith('/') ? urlBase : `${urlBase}/`).href;
  return {
    apiVersion: 'krew.googlecontainertools.github.com/v1alpha2',
    kind: 'Plugin',
    metadata: { name: 'bgctl' },
    spec: {
      version: `v${version}`,
      ...(homepage && { homepage }),
      shortDescription: 'Blue-green rollouts of Knative Services',
      description:
        'bgctl moves the traffic of a Knative Service from a stable revision to a new one in steps: deploy a\n' +
        'revision at 0%, stage it under a tag URL, verify it, split the traffic, judge it with metric gates,\n' +
        'then promote it or roll back. Every step is recorded on the Service, so a rollout can be resumed or\n' +
        'aborted from any machine. It includes a guided wizard and a local playground cluster for trying it.\n',
      caveats: CAVEATS,
      platforms: PLATFORMS.map((p) => {
        const [os, arch] = p.split('/');
        return {
          selector: { matchLabels: { os, arch } },
          uri,
          sha256,
          files: [
            { from: 'bin', to: 'bin' },
            { from: 'dist', to: 'dist' },
            { from: 'package.json', to: '.' },
            { from: 'README.md', to: '.' },
            ...(existsSync(join(root, 'LICENSE')) ? [{ from: 'LICENSE', to: '.' }] : []),
          ],
          bin: 'bin/kubectl-bgctl',
        };
      }),
    },
  };
}

export function sha256Of(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function argument(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const urlBase = argument('--url-base');
  if (!urlBase || !/^https?:\/\/[^/\s]+/.test(urlBase)) {
    process.stderr.write(
      'Error: --url-base URL is required: where the release archive is downloaded from, e.g.\n' +
        '  --url-base https://github.com/OWNER/bgctl/releases/download/v' +
        pkg.version +
        '/\n',
    );
    process.exit(2);
  }
  const archive = argument('--archive') ?? join(root, 'release', archiveName());
  if (!existsSync(archive)) {
    process.stderr.write(`Error: no archive at ${archive}\nHint: build it first: npm run release\n`);
    process.exit(1);
  }
  const out = argument('--out') ?? join(root, 'plugins', 'krew', 'bgctl.yaml');
  const homepage = argument('--homepage') ?? pkg.homepage;
  const manifest = krewManifest({ urlBase, sha256: sha256Of(archive), homepage });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, yaml.dump(manifest, { lineWidth: -1, noRefs: true }));
  process.stdout.write(`${out}\n`);
}
