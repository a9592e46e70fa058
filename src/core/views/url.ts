// The ServiceURL document of `url`, and the tag URL lookup `url` and `verify` share.
import { document } from '../document.js';
import { RefusedError } from '../errors.js';
import type { KnativeService } from '../knative-types.js';
import { tagUrl, trafficRows } from './rows.js';

/** The tags a service routes (status when the route caught up, else spec), in list order. */
export function knownTags(svc: KnativeService): string[] {
  return [
    ...new Set(
      trafficRows(svc)
        .map((t) => t.tag)
        .filter((t): t is string => !!t),
    ),
  ];
}

/** The URL of `tag`, or a RefusedError naming the tags the service has. */
export function requireTagUrl(svc: KnativeService, tag: string): string {
  const url = tagUrl(svc, tag);
  if (url) return url;
  const name = svc.metadata.name;
  if (trafficRows(svc).some((t) => t.tag === tag) || svc.spec.traffic?.some((t) => t.tag === tag)) {
    throw new RefusedError(`tag "${tag}" of service "${name}" has no URL yet: the route has not caught up`, {
      reason: 'TagNotRouted',
      hint: `wait until it is Ready: bgctl status ${name}`,
    });
  }
  const tags = knownTags(svc);
  throw new RefusedError(
    `service "${name}" has no tag "${tag}"${tags.length ? ` (its tags: ${tags.join(', ')})` : ' (it has no tags)'}`,
    {
      reason: 'UnknownTag',
      hint: tags.length ? `pass one of them with --tag` : `stage a candidate under a tag first: bgctl stage ${name}`,
    },
  );
}

/** The `ServiceURL` document of `url`. */
export function urlView(svc: KnativeService, url: string, tag?: string) {
  return document('ServiceURL', {
    service: svc.metadata.name,
    namespace: svc.metadata.namespace,
    ...(tag ? { tag } : {}),
    url,
  });
}
