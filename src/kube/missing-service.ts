// A missing service gets a way out: the closest existing name, or that the namespace does not exist. Costs one LIST
// (and a namespace GET when it is empty) on this failure path only; if those fail, the original error stands.
import { BgctlError, FailedError } from '../core/errors.js';
import { closestName, dns1035Problems } from '../core/names.js';

export interface MissingServiceProbe {
  /** Names of the namespace's services (first page). */
  serviceNames(): Promise<string[]>;
  /** true/false when the server says so; undefined when it does not tell (403, any other answer). */
  namespaceExists(): Promise<boolean | undefined>;
}

/** The NotFound of `name`, with a suggestion or the namespace's absence when the cluster tells. */
export async function explainMissingService(
  notFound: BgctlError,
  name: string,
  namespace: string,
  probe: MissingServiceProbe,
): Promise<BgctlError> {
  const names = await probe.serviceNames().catch(() => undefined);
  if (names === undefined) return notFound;
  const list = `\`bgctl status -n ${namespace}\` lists the services`;
  if (names.length > 0) {
    // Names from the server are shown only when they are valid names (no control characters to escape).
    const close = closestName(
      name,
      names.filter((n) => dns1035Problems(n).length === 0),
    );
    if (!close) return notFound;
    return new FailedError(notFound.message, {
      reason: notFound.reason,
      hint: `did you mean ${close}? (${list})`,
      cause: notFound,
    });
  }
  const exists = await probe.namespaceExists().catch(() => undefined);
  if (exists === false) {
    return new FailedError(`service "${name}" not found: namespace "${namespace}" does not exist`, {
      reason: 'NamespaceNotFound',
      hint: 'pass an existing namespace with -n (kubectl get namespaces lists them)',
      cause: notFound,
    });
  }
  if (exists === true) {
    return new FailedError(notFound.message, {
      reason: notFound.reason,
      hint: `namespace "${namespace}" has no Knative services; pick another with -n`,
      cause: notFound,
    });
  }
  return notFound;
}
