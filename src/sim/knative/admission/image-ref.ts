// go-containerregistry's name.ParseReference with weak validation, as the webhook uses it to check
// container images: only whether a reference parses, not whether the image exists.

const TAG_CHARS = /^[A-Za-z0-9_.-]{1,128}$/;
const REPOSITORY_CHARS = /^[a-z0-9_./-]{2,255}$/;
// url.Parse("//" + registry).Host == registry, for the registry strings an image can carry.
const REGISTRY = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(:[0-9]*)?$/;
const SHA256 = /^sha256:[0-9a-f]{64}$/;

function isRepository(name: string): boolean {
  if (name === '') return false;
  const parts = name.split('/');
  let repo = name;
  // The first segment is a registry only when it holds '.' or ':' (so "localhost/x" is a repository).
  if (parts.length > 1 && /[.:]/.test(parts[0])) {
    if (!REGISTRY.test(parts[0])) return false;
    repo = parts.slice(1).join('/');
  }
  return REPOSITORY_CHARS.test(repo);
}

function isTag(name: string): boolean {
  const parts = name.split(':');
  let base = name;
  if (parts.length > 1 && !parts[parts.length - 1].includes('/')) {
    const tag = parts[parts.length - 1];
    // An empty tag is no error under weak validation: it becomes "latest".
    if (tag !== '' && !TAG_CHARS.test(tag)) return false;
    base = parts.slice(0, -1).join(':');
  }
  return isRepository(base);
}

function isDigest(name: string): boolean {
  const parts = name.split('@');
  if (parts.length !== 2 || !SHA256.test(parts[1])) return false;
  return isTag(parts[0]);
}

/** The error text of ParseReference, or undefined when the reference parses. */
export function imageReferenceError(image: string): string | undefined {
  return isTag(image) || isDigest(image) ? undefined : `could not parse reference: ${image}`;
}
