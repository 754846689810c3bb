import { z } from 'zod';

/** A tenant mix on the wire. */
const tenantMixSchema = z.union([z.object({ kind: z.literal('uniform') }), z.object({ kind: z.literal('zipf'), exponent: z.number().min(0) })]);

const drainSchema = z.object({ timeoutMs: z.number().positive(), stallMs: z.number().positive() });

/** Parent → load driver. */
export const driverCommandSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    kinesis: z.object({ endpoint: z.string(), region: z.string(), credentials: z.object({ accessKeyId: z.string(), secretAccessKey: z.string() }) }),
    inputStream: z.string(),
    outputStream: z.string(),
    /** The first N companies of the tenant data set. */
    companies: z.number().int().positive(),
    mix: tenantMixSchema,
    /** Length of the weighted company list the producer picks from. */
    slots: z.number().int().positive(),
    /** Process trees whose CPU each step measures, by component. */
    processes: z.record(z.string(), z.number().int()),
    label: z.string(),
  }),
  z.object({ type: z.literal('step'), rate: z.number().positive(), seconds: z.number().positive(), drain: drainSchema }),
  z.object({ type: z.literal('stop') }),
]);
export type DriverCommand = z.infer<typeof driverCommandSchema>;

/** What a step measured, as the driver reports it (a StepResult without its collector). */
export const driverStepResultSchema = z.object({
  runId: z.string(),
  targetRate: z.number(),
  seconds: z.number(),
  sent: z.number(),
  delivered: z.number(),
  sendRate: z.number(),
  producerMaxLagMs: z.number(),
  latency: z.object({ count: z.number(), p50: z.number(), p99: z.number(), max: z.number() }),
  verdict: z.object({ sustainable: z.boolean(), latencySlopeMsPerS: z.number(), reasons: z.array(z.string()) }),
  cpuCores: z.record(z.string(), z.number()),
});
export type DriverStepResult = z.infer<typeof driverStepResultSchema>;

/** Load driver → parent. */
export const driverReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('step-result'), result: driverStepResultSchema }),
  z.object({ type: z.literal('stopped') }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type DriverReply = z.infer<typeof driverReplySchema>;
