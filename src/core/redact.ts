// Credentials never reach a terminal, a log or an error: outside text goes through here, and src/cli.ts runs
// every error it reports through redactKnown once more.

const REDACTED = '<redacted>';

/** Query parameter names that carry a credential (`?token=`, `?access_key=`, `?auth=`, `?sig=`, …). */
const CREDENTIAL_PARAM = /token|secret|passw|key|auth|sig|credential|session/i;

/** Header names whose values are credentials (compared lower-case). */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-auth-token',
  'x-api-key',
]);

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

// Very short "secrets" would shred ordinary words; real tokens are long.
const MIN_SECRET_LENGTH = 6;

/** Removes known secrets, bearer/basic values, URL user:password, access_token values and PEM private keys. */
export function redactText(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  // Longest first, so that a secret containing another is removed whole.
  const known = [...secrets].filter((s) => s && s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  for (const secret of known) out = out.split(secret).join(REDACTED);
  out = out.replace(/\b(Bearer|Basic)\s+(?!<redacted>)[^\s"'`]+/gi, `$1 ${REDACTED}`);
  out = out.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'`]+@/gi, `$1${REDACTED}@`);
  out = out.replace(/\b(access_token|id_token|refresh_token)=(?!<redacted>)[^\s&#"'`]+/gi, `$1=${REDACTED}`);
  out = out.replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED);
  out = out.replace(
    /("(?:token|password|clientKeyData|client-key-data|access_token|id-token|refresh-token)"\s*:\s*")[^"]*"/gi,
    `$1${REDACTED}"`,
  );
  return out;
}

// Every credential any SecretSet of this process has seen: the CLI's last line of defence.
const processSecrets = new Set<string>();

/** Removes every credential this process has come to hold (see SecretSet) and the patterns of redactText. */
export function redactKnown(text: string): string {
  return redactText(text, processSecrets);
}

/** A set of secrets shared by everything built from one kubeconfig. */
export class SecretSet implements Iterable<string> {
  private readonly values = new Set<string>();
  /** Registers a credential so that later messages never show it. */
  add(value: string | undefined | null): void {
    if (typeof value !== 'string' || !value.trim()) return;
    for (const v of new Set([value, value.trim()])) {
      this.values.add(v);
      processSecrets.add(v);
    }
  }
  /** Registers the credential of an Authorization header value (Bearer token, or Basic and its user:password). */
  addAuthorization(header: string | undefined | null): void {
    const m = /^\s*(\S+)\s+(.+)$/.exec(header ?? '');
    if (!m) return this.add(header);
    this.add(m[2]);
    if (m[1].toLowerCase() === 'basic') {
      const decoded = Buffer.from(m[2].trim(), 'base64').toString('utf8');
      this.add(decoded);
      this.add(decoded.slice(decoded.indexOf(':') + 1));
    }
  }
  /** Registers a private key (PEM or its base64), and each line of its body, so fragments are caught too. */
  addKeyMaterial(data: string | Buffer | undefined | null): void {
    if (!data) return;
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : data;
    const pem = text.includes('-----BEGIN') ? text : Buffer.from(text, 'base64').toString('utf8');
    if (!Buffer.isBuffer(data)) this.add(text);
    this.add(pem);
    for (const line of pem.split(/\r?\n/)) if (line.length >= 16 && !line.startsWith('-----')) this.add(line);
  }
  /** Registers user:password and access_token-like query values of a URL. */
  addUrlCredentials(url: string | undefined | null): void {
    if (!url) return;
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return;
    }
    if (u.password) {
      this.add(u.password);
      this.add(`${u.username}:${u.password}`);
      const user = safeDecode(u.username);
      const password = safeDecode(u.password);
      this.add(password);
      // What an HTTP client sends for it: Basic base64(user:password).
      this.add(Buffer.from(`${user}:${password}`).toString('base64'));
    }
    for (const [k, v] of u.searchParams) {
      if (CREDENTIAL_PARAM.test(k)) {
        this.add(v);
        this.add(encodeURIComponent(v));
      }
    }
  }
  [Symbol.iterator](): Iterator<string> {
    return this.values[Symbol.iterator]();
  }
  redact(text: string): string {
    return redactText(text, this);
  }
}

/** decodeURIComponent, or the text as it is when it is not valid %-encoding (a stray `%`). */
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A URL as it may be shown: no user:password, no credential query values. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password && ![...u.searchParams.keys()].some((k) => CREDENTIAL_PARAM.test(k))) return url;
    u.username = '';
    u.password = '';
    for (const k of [...u.searchParams.keys()]) if (CREDENTIAL_PARAM.test(k)) u.searchParams.set(k, 'REDACTED');
    return u
      .toString()
      .replace(/\/$/, '')
      .replace(/REDACTED/g, REDACTED);
  } catch {
    return redactText(url);
  }
}
