// commander's argument parser for a repeatable flag (--env, --annotation, --traffic).

/** Collects every value of a repeatable flag, in the order given. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
