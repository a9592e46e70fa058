// The least Role bgctl needs (docs/in-cluster.md), enforced for one playground token (user `bgctl-least`) the way
// kube-apiserver's RBAC does: on the request's attributes, before the path is routed, so a resource the cluster
// does not serve is 403 for that user, not 404. Discovery and other non-resource paths are open to every user, as
// the system:discovery ClusterRole makes them.

import type { StatusError } from './contracts.js';
import { failure } from './status.js';

export const LEAST_ROLE_USER = 'bgctl-least';

/** group/resource → verbs, exactly docs/in-cluster.md's Role. */
const RULES: Record<string, readonly string[]> = {
  'serving.knative.dev/services': ['get', 'list', 'watch', 'patch'],
  'serving.knative.dev/revisions': ['get', 'list', 'patch'],
};

export interface RequestAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** The RBAC attributes of a resource request, or undefined for a non-resource path (discovery, /version…). */
export function requestAttributes(
  path: string,
  method: string,
  query: Record<string, string>,
): RequestAttributes | undefined {
  const seg = path.split('/').filter(Boolean);
  let group: string;
  let rest: string[];
  if (seg[0] === 'api' && seg.length >= 3) [group, rest] = ['', seg.slice(2)];
  else if (seg[0] === 'apis' && seg.length >= 4) [group, rest] = [seg[1], seg.slice(3)];
  else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) [namespace, rest] = [rest[1], rest.slice(2)];
  else if (rest[0] === 'namespaces' && rest.length === 2)
    return { ...verbOf(method, query, true), group, resource: 'namespaces', name: rest[1] };
  const [resource, name, subresource] = rest;
  if (!resource) return undefined;
  return {
    ...verbOf(method, query, name !== undefined),
    group,
    resource,
    ...(subresource && { subresource }),
    ...(namespace && { namespace }),
    ...(name && { name }),
  };
}

function verbOf(method: string, query: Record<string, string>, named: boolean): { verb: string } {
  const watch = query.watch === 'true' || query.watch === '1';
  const verb =
    method === 'GET'
      ? watch
        ? 'watch'
        : named
          ? 'get'
          : 'list'
      : method === 'POST'
        ? 'create'
        : method === 'PUT'
          ? 'update'
          : method === 'PATCH'
            ? 'patch'
            : method === 'DELETE'
              ? named
                ? 'delete'
                : 'deletecollection'
              : method.toLowerCase();
  return { verb };
}

/** Whether the least Role allows the request: a Role grants within a namespace, never at the cluster scope. */
export function leastRoleAllows(a: RequestAttributes): boolean {
  if (!a.namespace) return false;
  const key = `${a.group}/${a.subresource ? `${a.resource}/${a.subresource}` : a.resource}`;
  return RULES[key]?.includes(a.verb) ?? false;
}

/** kube-apiserver's 403 for a denied request. */
export function leastRoleForbidden(a: RequestAttributes): StatusError {
  const gr = a.group ? `${a.resource}.${a.group}` : a.resource;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const why = `User "${LEAST_ROLE_USER}" cannot ${a.verb} resource "${resource}" in API group "${a.group}" ${where}`;
  const message = a.name ? `${gr} "${a.name}" is forbidden: ${why}` : `${gr} is forbidden: ${why}`;
  return failure(403, 'Forbidden', message, {
    ...(a.name && { name: a.name }),
    ...(a.group && { group: a.group }),
    kind: a.resource,
  });
}
