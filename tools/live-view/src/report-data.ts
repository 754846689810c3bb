import type { LiveModel } from './live-model';

/** The end-to-end view of a run that only the report has (from the consumer's side of the output stream). */
export interface RunTimelineData {
  /** Epoch ms of second 0 (the first scheduled send). */
  readonly originMs: number;
  /** Per second since the origin: events scheduled and output, and the latency of those output (null: none output). */
  readonly seconds: readonly { readonly second: number; readonly sent: number; readonly output: number; readonly p50Ms: number | null; readonly p99Ms: number | null }[];
  /** The latency distribution: `[latency ms, share of events at or below]`, from the HDR histogram. */
  readonly cdf: readonly (readonly [number, number])[];
}

/** What the report's script renders: the pipeline panels (as the live view) and the run timeline. */
export interface ReportChartsData {
  readonly live: LiveModel;
  readonly timeline: RunTimelineData;
}
