// Name validation with kubectl's and the Knative webhook's wording, checked before any write.
import { UsageError } from './errors.js';
import { quoteInput } from './quote.js';

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Upstream text (apimachinery validation.go) for a DNS-1035 label. */
export const DNS1035_MESSAGE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, " +
  "and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', " +
  "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
/** Upstream text for an RFC 1123 label (namespaces). */
export const DNS1123_LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', " +
  "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', " +
  "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
/** Upstream text for an environment variable name. */
export const ENV_NAME_MESSAGE =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', " +
  "and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', " +
  "regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";
/** The longest DNS label, hence the longest `<tag>-<service>` host label. */
export const MAX_LABEL = 63;

/** Problems with a DNS-1035 label, empty when valid (Knative tags, service and revision names). */
export function dns1035Problems(value: string): string[] {
  const out: string[] = [];
  if (value.length > MAX_LABEL) out.push(`must be no more than ${MAX_LABEL} characters`);
  if (!DNS1035.test(value)) out.push(DNS1035_MESSAGE);
  return out;
}

/** Problems with an RFC 1123 label, empty when valid (namespaces). */
export function dns1123LabelProblems(value: string): string[] {
  const out: string[] = [];
  if (value.length > MAX_LABEL) out.push(`must be no more than ${MAX_LABEL} characters`);
  if (!DNS1123_LABEL.test(value)) out.push(DNS1123_LABEL_MESSAGE);
  return out;
}

function check(kind: string, value: string, problems: string[], flag?: string): string {
  if (value === '')
    throw new UsageError(`${kind} name must not be empty`, {
      reason: 'InvalidName',
      hint: flag ? `pass ${flag}` : undefined,
    });
  if (problems.length > 0) {
    throw new UsageError(`invalid ${kind} name ${quoteInput(value)}: ${problems.join(', ')}`, {
      reason: 'InvalidName',
    });
  }
  return value;
}

/** A Knative Service name (DNS-1035 label); throws UsageError with kubectl's wording. */
export function validateServiceName(name: string): string {
  return check('service', name, dns1035Problems(name));
}

/** A namespace name (RFC 1123 label). */
export function validateNamespace(name: string): string {
  return check('namespace', name, dns1123LabelProblems(name));
}

/** A revision name: DNS-1035 label, as Knative generates and requires for BYO names. */
export function validateRevisionName(name: string): string {
  return check('revision', name, dns1035Problems(name));
}

/** A traffic tag: a DNS-1035 label whose host label `<tag>-<service>` fits in 63 characters. */
export function validateTag(tag: string, service?: string): string {
  if (tag === '') throw new UsageError('tag must not be empty', { reason: 'InvalidTag' });
  const problems = dns1035Problems(tag);
  if (problems.length > 0) {
    const valid = suggestTag(tag, service);
    throw new UsageError(`invalid tag ${quoteInput(tag)}: not a DNS 1035 label: [${problems.join(' ')}]`, {
      reason: 'InvalidTag',
      hint: valid
        ? `did you mean "${valid}"? A tag is lower case letters, digits and '-', starting with a letter`
        : undefined,
    });
  }
  if (service !== undefined) {
    const host = tagHostLabel(tag, service);
    if (host.length > MAX_LABEL) {
      // Knative admits this and then fails the Route with ErrorConfig; refuse before writing.
      throw new UsageError(
        `tag "${tag}" gives the host label "${host}" (${host.length} characters); ` +
          `a DNS label must be no more than ${MAX_LABEL} characters`,
        {
          reason: 'TagTooLong',
          hint:
            `use a tag of at most ${MAX_LABEL - 1 - service.length} characters` +
            (suggestTag(tag, service) ? `, e.g. "${suggestTag(tag, service)}"` : ''),
        },
      );
    }
  }
  return tag;
}

/** The first DNS label of a tag URL under Knative's default tag template `{{.Tag}}-{{.Name}}`. */
export function tagHostLabel(tag: string, service: string): string {
  return `${tag}-${service}`;
}

/** An environment variable name (Kubernetes rule). */
export function validateEnvName(name: string): string {
  if (name === '') throw new UsageError('environment variable name must not be empty', { reason: 'InvalidEnv' });
  if (!ENV_NAME.test(name))
    throw new UsageError(`invalid environment variable name ${quoteInput(name)}: ${ENV_NAME_MESSAGE}`, {
      reason: 'InvalidEnv',
    });
  return name;
}

/** Edit distance (insertions, deletions, substitutions, swaps of neighbours) between a and b. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The one candidate a typo away from name (1 edit up to 4 characters, 2 up to 8, 3 beyond); none if tied. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const limit = name.length <= 4 ? 1 : name.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  let tie = false;
  for (const c of new Set(candidates)) {
    if (c === name) continue;
    const dist = editDistance(name, c);
    if (dist < bestDistance) [best, bestDistance, tie] = [c, dist, false];
    else if (dist === bestDistance) tie = true;
  }
  return best !== undefined && bestDistance <= limit && !tie ? best : undefined;
}

/** A valid tag close to an invalid one: `V2_bad` → `v2-bad`, `1.2` → `v1-2`, cut to fit. */
export function suggestTag(tag: string, service?: string): string | undefined {
  let s = tag
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (/^[0-9]/.test(s)) s = `v${s}`;
  const max = service === undefined ? MAX_LABEL : MAX_LABEL - 1 - service.length;
  s = s.slice(0, Math.max(0, max)).replace(/-+$/, '');
  return s !== '' && s !== tag && dns1035Problems(s).length === 0 ? s : undefined;
}
