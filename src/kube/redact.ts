// Credentials must never reach a terminal, a log or an error message. Everything src/kube prints
// or throws that contains text from outside (server messages, plugin stderr, headers) goes through here.

const REDACTED = '<redacted>';

/** Header names whose values are credentials (compared lower-case). */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-auth-token', 'x-api-key']);

/** True for a header that carries a credential. */
export function isSecretHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_HEADERS.has(lower) || /token|secret|password|credential/.test(lower);
}

/** The header value as it may be printed: the auth scheme is kept, the credential is not. */
export function redactHeaderValue(name: string, value: string): string {
  if (!isSecretHeader(name)) return value;
  const scheme = /^(Bearer|Basic|Negotiate|Digest)\s/i.exec(value);
  return scheme ? `${scheme[1]} ${REDACTED}` : REDACTED;
}

/**
 * Removes credentials from free text: every known secret (tokens and passwords from the
 * kubeconfig or an exec plugin), bearer/basic values, and PEM private keys.
 */
export function redactText(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const secret of secrets) {
    // Very short "secrets" would shred ordinary words; real tokens are long.
    if (secret && secret.length >= 6) out = out.split(secret).join(REDACTED);
  }
  out = out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`);
  out = out.replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED);
  out = out.replace(/("(?:token|password|clientKeyData|client-key-data)"\s*:\s*")[^"]*"/gi, `$1${REDACTED}"`);
  return out;
}

/** A set of secrets shared by everything built from one kubeconfig. */
export class SecretSet implements Iterable<string> {
  private readonly values = new Set<string>();
  /** Registers a credential so that later messages never show it. */
  add(value: string | undefined | null): void {
    if (typeof value === 'string' && value.trim()) this.values.add(value.trim());
  }
  [Symbol.iterator](): Iterator<string> {
    return this.values[Symbol.iterator]();
  }
  /** Shorthand for redactText(text, this). */
  redact(text: string): string {
    return redactText(text, this);
  }
}
