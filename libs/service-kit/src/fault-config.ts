import { z } from 'zod';

/** Statuses an injected error may answer with. */
export const FAULT_ERROR_STATUSES = [500, 503, 429] as const;
export type FaultErrorStatus = (typeof FAULT_ERROR_STATUSES)[number];

const rate = z.number().min(0).max(1);

/**
 * Fault and latency injection settings (all off by default). Each request first waits its latency,
 * then meets at most one fault, drawn with one uniform number: a connection reset with probability
 * `resetRate`, a held request with `timeoutRate`, an error with `errorRate`; so the three rates
 * must add up to at most 1 and each is exact on its own.
 */
export const faultConfigSchema = z
  .object({
    /** Fixed delay per request, or the median of the log-normal delay when `latencyP99Ms` is set. @default 0 */
    latencyMs: z.number().finite().nonnegative().default(0),
    /** The 99th percentile of a log-normal delay whose median is `latencyMs`; unset means fixed. */
    latencyP99Ms: z.number().finite().positive().optional(),
    /** Share of requests answered with `errorStatus`. @default 0 */
    errorRate: rate.default(0),
    /** The status of injected errors. @default 500 */
    errorStatus: z.union(FAULT_ERROR_STATUSES.map((status) => z.literal(status))).default(500),
    /** Share of requests held without an answer for `timeoutMs` (or until the client gives up). @default 0 */
    timeoutRate: rate.default(0),
    /** How long a held request waits before a 504. @default 60000 */
    timeoutMs: z.number().int().positive().default(60_000),
    /** Share of requests whose connection is destroyed without an answer. @default 0 */
    resetRate: rate.default(0),
    /** Seed for the fault dice, for reproducible runs; unset means `Math.random`. */
    seed: z.number().int().optional(),
  })
  .strict()
  .refine((config) => config.errorRate + config.timeoutRate + config.resetRate <= 1, {
    message: 'errorRate + timeoutRate + resetRate must be at most 1',
    path: ['errorRate'],
  })
  .refine((config) => config.latencyP99Ms === undefined || (config.latencyMs > 0 && config.latencyP99Ms >= config.latencyMs), {
    message: 'latencyP99Ms needs latencyMs (the median) > 0 and must be >= latencyMs',
    path: ['latencyP99Ms'],
  });

/** Validated fault settings; see {@link faultConfigSchema}. */
export type FaultConfig = z.output<typeof faultConfigSchema>;
/** Fault settings as written by a user (every field optional). */
export type FaultConfigInput = z.input<typeof faultConfigSchema>;

/** No latency, no faults. */
export const NO_FAULTS: FaultConfig = faultConfigSchema.parse({});
