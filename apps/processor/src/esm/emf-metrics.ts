import { z } from 'zod';

const emfDocumentSchema = z.looseObject({
  _aws: z.object({
    CloudWatchMetrics: z.array(
      z.object({
        Dimensions: z.array(z.array(z.string())).default([]),
        Metrics: z.array(z.object({ Name: z.string(), Unit: z.string().optional() })),
      }),
    ),
  }),
});

/** The summary of an observed metric (as the local runner's metrics snapshot has it). */
export interface ObservationSummary {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** Dimensions every document of the function carries; left out of the metric keys. */
const IGNORED_DIMENSIONS = new Set(['service']);

/**
 * Reads the function's CloudWatch Embedded Metric Format log lines (Powertools writes one document
 * per flush to stdout) and keeps what CloudWatch would make of them: the local stand-in for the
 * Lambda's metrics, in the local runner's snapshot shape. EMF does not say whether a value was
 * counted or observed: values in milliseconds and metrics named in `observed` are observations,
 * every other value is summed as a counter. Keys are `Name`, plus `Name{k=v}` for dimensioned ones.
 */
export class EmfMetricsAggregator {
  private readonly counters = new Map<string, number>();
  private readonly observations = new Map<string, ObservationSummary>();

  constructor(private readonly observed: ReadonlySet<string> = new Set()) {}

  /** Takes one output line; returns whether it was an EMF document (and was counted). */
  ingestLine(line: string): boolean {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{') || !trimmed.includes('"_aws"')) return false;
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      return false;
    }
    const parsed = emfDocumentSchema.safeParse(json);
    if (!parsed.success) return false;
    const document = parsed.data as Record<string, unknown> & z.infer<typeof emfDocumentSchema>;
    for (const directive of document._aws.CloudWatchMetrics) {
      const dimensions = directive.Dimensions.flat()
        .filter((key) => !IGNORED_DIMENSIONS.has(key))
        .map((key) => `${key}=${String(document[key])}`);
      for (const metric of directive.Metrics) {
        const raw = document[metric.Name];
        const values = (Array.isArray(raw) ? raw : [raw]).filter((value): value is number => typeof value === 'number');
        const keys = dimensions.length === 0 ? [metric.Name] : [metric.Name, `${metric.Name}{${dimensions.join(',')}}`];
        for (const value of values) {
          for (const key of keys) {
            if (metric.Unit === 'Milliseconds' || this.observed.has(metric.Name)) this.observe(key, value);
            else this.counters.set(key, (this.counters.get(key) ?? 0) + value);
          }
        }
      }
    }
    return true;
  }

  /** Counters and observations so far. */
  snapshot(): { counters: Record<string, number>; observations: Record<string, ObservationSummary> } {
    return { counters: Object.fromEntries(this.counters), observations: Object.fromEntries(this.observations) };
  }

  private observe(key: string, value: number): void {
    const current = this.observations.get(key);
    this.observations.set(
      key,
      current === undefined ? { count: 1, sum: value, min: value, max: value } : { count: current.count + 1, sum: current.sum + value, min: Math.min(current.min, value), max: Math.max(current.max, value) },
    );
  }
}

/**
 * Diverts the EMF documents written to `stream` (stdout) into `aggregator`; other output passes
 * through. Returns a function that restores the stream.
 */
export function tapEmfOutput(stream: NodeJS.WriteStream, aggregator: EmfMetricsAggregator): () => void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  let pending = '';
  const tapped = (chunk: unknown, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : undefined;
    if (text === undefined) return write(chunk, ...rest);
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    const passed = lines.filter((line) => !aggregator.ingestLine(line));
    const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
    if (passed.length === 0) {
      callback?.();
      return true;
    }
    return write(`${passed.join('\n')}\n`, ...rest);
  };
  stream.write = tapped as typeof stream.write;
  return () => {
    stream.write = write as typeof stream.write;
  };
}
