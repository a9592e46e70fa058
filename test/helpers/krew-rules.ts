// krew's checks of a plugin manifest, re-implemented from its source (internal/index/validation/validate.go,
// internal/installation/semver, internal/installation/move.go): what `krew install --manifest` and the krew-index
// CI refuse. Returns the problems, in krew's words where it has them; [] is a manifest krew accepts.
import { posix } from 'node:path';

const SAFE_NAME = /^[\w-]+$/;
const WINDOWS_FORBIDDEN = [
  'CON',
  'PRN',
  'AUX',
  'NUL',
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`COM${n}`, `LPT${n}`]),
];
const SHA256 = /^[a-f0-9]{64}$/;
// k8s.io/apimachinery's ParseSemantic: exactly three numeric parts without leading zeros, then -pre and +build.
const SEMVER =
  /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

export function krewProblems(name: string, p: any): string[] {
  const out: string[] = [];
  if (p?.apiVersion !== 'krew.googlecontainertools.github.com/v1alpha2')
    out.push(`plugin manifest has apiVersion="${p?.apiVersion}", not supported`);
  if (p?.kind !== 'Plugin') out.push(`plugin manifest has kind="${p?.kind}", but only "Plugin" is supported`);
  if (!SAFE_NAME.test(name) || WINDOWS_FORBIDDEN.some((f) => f.toLowerCase() === name.toLowerCase()))
    out.push(`the plugin name "${name}" is not allowed`);
  if (p?.metadata?.name !== name) out.push(`plugin should be named "${name}", not "${p?.metadata?.name}"`);
  const spec = p?.spec ?? {};
  if (!spec.shortDescription) out.push('should have a short description');
  else if (/[\r\n]/.test(spec.shortDescription)) out.push('should not have line breaks in short description');
  if (!Array.isArray(spec.platforms) || spec.platforms.length === 0) out.push('should have a platform specified');
  if (!spec.version) out.push('should have a version specified');
  else if (!String(spec.version).startsWith('v')) out.push(`version string "${spec.version}" not starting with 'v'`);
  else if (!SEMVER.test(spec.version)) out.push(`failed to parse plugin version "${spec.version}"`);
  for (const pl of spec.platforms ?? [])
    out.push(...platformProblems(pl).map((m) => `platform is badly constructed: ${m}`));
  return out;
}

function platformProblems(pl: any): string[] {
  if (!pl.uri) return ['`uri` has to be set'];
  if (!pl.sha256) return ['`sha256` sum has to be set'];
  if (!SHA256.test(pl.sha256)) return [`\`sha256\` value ${pl.sha256} is not valid`];
  if (!pl.bin) return ['`bin` has to be set'];
  if (pl.files !== undefined && pl.files !== null) {
    if (!Array.isArray(pl.files) || pl.files.length === 0) return ['`files` has to be unspecified or non-empty'];
    for (const op of pl.files) {
      if (!op.from) return ['`from` field has to be set'];
      if (!op.to) return ['`to` field has to be set'];
      // move.go: a `to` that is not a clean path is refused at install time.
      if (posix.normalize(op.to).replace(/\/$/, '') !== op.to) return [`the provided path is not clean, "${op.to}"`];
    }
  }
  const sel = pl.selector;
  if (!sel) return ['nil selector is not supported'];
  if (!sel.matchLabels && !(sel.matchExpressions?.length > 0)) return ['empty selector is not supported'];
  const keys = [...Object.keys(sel.matchLabels ?? {}), ...(sel.matchExpressions ?? []).map((e: any) => e.key)];
  const bad = keys.find((k) => k !== 'os' && k !== 'arch');
  if (bad) return [`key "${bad}" not supported`];
  if (sel.matchLabels && Object.keys(sel.matchLabels).length === 0) return ['`matchLabels` specified but empty'];
  if (sel.matchExpressions && sel.matchExpressions.length === 0) return ['`matchExpressions` specified but empty'];
  return [];
}
