// The envelope of every -o json|yaml document: `apiVersion: bgctl.dev/v1` and a `kind` (docs/cli.md).

export const BGCTL_API_VERSION = 'bgctl.dev/v1';

/** A printable document: a kind plus any fields. */
export interface BgctlDocument {
  apiVersion: string;
  kind: string;
  [key: string]: unknown;
}

/** Wraps fields in the envelope: `{apiVersion: bgctl.dev/v1, kind, ...fields}`. */
export function document<K extends string, T extends object>(
  kind: K,
  body: T,
): { apiVersion: typeof BGCTL_API_VERSION; kind: K } & T {
  return { apiVersion: BGCTL_API_VERSION, kind, ...body };
}
