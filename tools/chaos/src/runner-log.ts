import { z } from 'zod';

/** One JSON line of the processor's pino log. */
export interface RunnerLogLine {
  /** pino level: 30 info, 40 warn, 50 error. */
  readonly level: number;
  /** Epoch ms. */
  readonly time: number;
  readonly msg: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

const lineSchema = z.looseObject({ level: z.number(), time: z.number(), msg: z.string() });

/** The JSON log lines of a runner's output; other lines (tsx notices, stack traces) are skipped. */
export function runnerLogLines(output: string): RunnerLogLine[] {
  const lines: RunnerLogLine[] = [];
  for (const text of output.split('\n')) {
    if (!text.startsWith('{')) continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      continue;
    }
    const parsed = lineSchema.safeParse(json);
    if (parsed.success) {
      const { level, time, msg, ...fields } = parsed.data;
      lines.push({ level, time, msg, fields });
    }
  }
  return lines;
}

/** Log levels of pino. */
export const LOG_LEVEL = { warn: 40, error: 50 } as const;
