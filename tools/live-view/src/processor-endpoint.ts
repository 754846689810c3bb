import { parseJsonLine } from '@tenant-analytics/pipeline-harness';
import { z } from 'zod';

/** What the local runner logs when `--metrics-port` is given (apps/processor/src/local-runner.ts). */
export const METRICS_ENDPOINT_MESSAGE = 'metrics endpoint listening';

const endpointLineSchema = z.looseObject({ msg: z.literal(METRICS_ENDPOINT_MESSAGE), url: z.string().regex(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/) });

/**
 * The base URL of the processor's metrics endpoint (`http://127.0.0.1:<port>`) from its log (JSON
 * lines), the last one logged; undefined when it logged none (no `--metrics-port`, or not yet).
 */
export function processorMetricsBaseUrl(output: string): string | undefined {
  let found: string | undefined;
  for (const line of output.split('\n')) {
    if (!line.includes(METRICS_ENDPOINT_MESSAGE)) continue;
    const decoded = endpointLineSchema.safeParse(parseJsonLine(line.trim()));
    if (decoded.success) found = decoded.data.url.replace(/\/metrics$/, '');
  }
  return found;
}
