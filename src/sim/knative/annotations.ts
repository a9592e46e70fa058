// `serving.knative.dev/routes` holds a comma-separated, sorted list of route names.

/** The annotation value as a sorted, de-duplicated list. */
export function listValue(v: string | undefined): string[] {
  return [
    ...new Set(
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ].sort();
}
