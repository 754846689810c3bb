import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The figures a report keeps for the next run to compare with, embedded in its HTML. */
export const runSummarySchema = z.object({
  startedAt: z.string(),
  runtime: z.string(),
  kinesisBackend: z.string(),
  events: z.number(),
  durationSeconds: z.number(),
  accepted: z.number(),
  sentPerSecond: z.number(),
  enrichedPerSecond: z.number(),
  p50Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  deadLetters: z.number(),
  drainMs: z.number(),
  balanced: z.boolean(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

/** The id of the `<script type="application/json">` element that holds a report's {@link RunSummary}. */
export const RUN_SUMMARY_ELEMENT_ID = 'run-summary';

/** The summary embedded in a report's HTML, or undefined when it has none (a report from before summaries) or it does not decode. */
export function readRunSummary(html: string): RunSummary | undefined {
  const match = new RegExp(`<script type="application/json" id="${RUN_SUMMARY_ELEMENT_ID}">([^<]*)</script>`).exec(html);
  if (match?.[1] === undefined) return undefined;
  try {
    const decoded = runSummarySchema.safeParse(JSON.parse(match[1]));
    return decoded.success ? decoded.data : undefined;
  } catch {
    return undefined;
  }
}

/** The most recent report in `reportDir` that holds a summary (`run-<time>.html` names sort by time). */
export function latestReport(reportDir: string): { readonly file: string; readonly summary: RunSummary } | undefined {
  let names: string[];
  try {
    names = readdirSync(reportDir).filter((name) => /^run-.*\.html$/.test(name)).sort().reverse();
  } catch {
    return undefined;
  }
  for (const name of names) {
    const summary = readRunSummary(readFileSync(path.join(reportDir, name), 'utf8'));
    if (summary !== undefined) return { file: name, summary };
  }
  return undefined;
}
