// The playground's metric formats, apart from the metrics themselves so that parsing `--metrics-format` loads
// nothing else of the simulator.

/**
 * Which Knative generation's series are served: `knative` the current histogram, `knative-1.19` its first name
 * and whole-second values (v1.19.0–v1.19.7, v1.20.0), `legacy` the OpenCensus series of 1.18 and older.
 */
export type MetricsFormat = 'knative' | 'knative-1.19' | 'legacy';
export const METRICS_FORMATS: readonly MetricsFormat[] = ['knative', 'knative-1.19', 'legacy'];
