// Container image references (`[registry[:port]/]path[:tag][@digest]`), for --image-tag: the tag of each service's
// own image replaced, whatever its registry port or digest.
import { UsageError } from './errors.js';
import { quoteInput } from './quote.js';

export interface ImageRef {
  /** Everything before the tag: registry (with its port), path and name. */
  repository: string;
  tag?: string;
  digest?: string;
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Splits a reference; the tag is the part after the last ':' of the last path component (a port is not a tag). */
export function splitImageRef(image: string): ImageRef {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const named = at >= 0 ? image.slice(0, at) : image;
  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  if (colon > slash)
    return { repository: named.slice(0, colon), tag: named.slice(colon + 1), ...(digest && { digest }) };
  return { repository: named, ...(digest && { digest }) };
}

/** Checks --image-tag as a Docker tag. */
export function parseImageTag(raw: string): string {
  if (!TAG.test(raw))
    throw new UsageError(
      `invalid --image-tag ${quoteInput(raw)}: ` +
        "letters, digits, '_', '.' and '-', at most 128, not starting with '.' or '-'",
      {
        reason: 'InvalidImage',
      },
    );
  return raw;
}

/** `image` with its tag replaced by `tag`; a digest is dropped (it pins the old content, which the new tag is not). */
export function withImageTag(image: string, tag: string): string {
  const ref = splitImageRef(image);
  if (ref.repository === '')
    throw new UsageError(`cannot set the tag of image ${quoteInput(image)}: it names no repository`, {
      reason: 'InvalidImage',
    });
  return `${ref.repository}:${tag}`;
}
