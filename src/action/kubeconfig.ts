// The `kubeconfig` input: the file's contents (usually a secret), plain YAML or base64 of it. It is
// written to a private temporary file for bgctl's --kubeconfig and removed when the Action ends.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KubeconfigFile {
  path: string;
  /** Credential values the runner does not know as secrets (decoded from base64): to be masked. */
  secrets: string[];
  remove(): void;
}

// Fields of a kubeconfig whose values are credentials (users[].user, auth-provider config).
const CREDENTIAL_KEYS = 'token|client-key-data|password|id-token|refresh-token|access-token|client-secret';
const CREDENTIAL_FIELDS = new RegExp(`^\\s*-?\\s*["']?(${CREDENTIAL_KEYS})["']?\\s*:\\s*["']?([^"'\\s#]+)`);

/** Base64 text (no `:`, which every kubeconfig has) decodes to the YAML; anything else is the YAML. */
function decode(input: string): { text: string; decoded: boolean } {
  const compact = input.replace(/\s+/g, '');
  if (!input.includes(':') && /^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    return { text: Buffer.from(compact, 'base64').toString('utf8'), decoded: true };
  }
  return { text: input, decoded: false };
}

/** The credential values of a kubeconfig's text, found line by line. */
export function credentialValues(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = CREDENTIAL_FIELDS.exec(line);
    if (m?.[2]) out.push(m[2]);
  }
  return out;
}

/** Writes the kubeconfig to a new directory under `dir` (RUNNER_TEMP), readable by this user only. */
export function writeKubeconfig(input: string, dir: string = tmpdir()): KubeconfigFile {
  const { text, decoded } = decode(input);
  const folder = mkdtempSync(join(dir, 'bgctl-action-'));
  const path = join(folder, 'kubeconfig');
  writeFileSync(path, text, { mode: 0o600 });
  return {
    path,
    // A secret's own text is masked by the runner already; its decoded form is not.
    secrets: decoded ? credentialValues(text) : [],
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}
