import { z } from 'zod';
import { DomainError } from './errors';

/**
 * Settings of the processor's Kinesis event source mappings that never vary by deployment: the
 * handler reports partial failures (`batchItemFailures`) and a failed batch is split in two before
 * it is retried. The CDK app (`apps/infra`) sets them on both mappings, and the local mapping
 * emulator (`apps/processor/src/esm`) behaves accordingly: one definition, so the two cannot drift.
 */
export const EVENT_SOURCE_MAPPING_FIXED = Object.freeze({
  reportBatchItemFailures: true,
  bisectBatchOnFunctionError: true,
} as const);

/** Context values come typed from `cdk.json` and as strings from `cdk -c key=value`. */
function integer(min: number, max: number) {
  return z.coerce.number().int().min(min).max(max);
}

/**
 * The mapping settings a deployment may tune, as CDK context keys with their bounds and defaults.
 * `apps/infra` spreads this shape into its context schema; the local mapping emulator parses the
 * same keys from `apps/infra/cdk.json`, so a value changed there changes both.
 */
export const eventSourceMappingContextShape = {
  /** Records per invocation at most (AWS: 1-10,000). */
  batchSize: integer(1, 10_000).default(500),
  /** How long the mapping gathers records before it invokes with a partial batch (AWS: 0-300 s). */
  maxBatchingWindowSeconds: integer(0, 300).default(1),
  /**
   * Retries of a failing batch before it goes to the on-failure destination; -1 (the default,
   * AWS's "infinite"): until the batch is `maxRecordAgeSeconds` old, so an outage of up to that age
   * is ridden out instead of discarded (a count is spent within seconds while the processor fails
   * fast against a dependency that is down).
   */
  retryAttempts: integer(-1, 10_000).default(-1),
  /** Records older than this are discarded to the on-failure destination (AWS: 60-604,800 s). */
  maxRecordAgeSeconds: integer(60, 604_800).default(3600),
  /** Concurrent batches per shard (AWS: 1-10). */
  parallelizationFactor: integer(1, 10).default(1),
  /** The processor function's timeout: an invocation still running after it counts as failed. */
  processorTimeoutSeconds: integer(10, 900).default(120),
} as const;

/** Schema of {@link eventSourceMappingContextShape}. */
export const eventSourceMappingSettingsSchema = z.object(eventSourceMappingContextShape);

/** The tunable mapping settings, validated and defaulted. */
export type EventSourceMappingContext = Readonly<z.infer<typeof eventSourceMappingSettingsSchema>>;

/** Every setting of the processor's event source mappings: the tunable ones and the fixed ones. */
export type EventSourceMappingSettings = EventSourceMappingContext & typeof EVENT_SOURCE_MAPPING_FIXED;

/** The context keys of {@link eventSourceMappingContextShape}. */
export const EVENT_SOURCE_MAPPING_CONTEXT_KEYS = Object.keys(eventSourceMappingContextShape) as readonly (keyof EventSourceMappingContext)[];

/**
 * Validates the mapping's context values (from `cdk.json` or `-c`) and applies the defaults.
 *
 * @throws {EventSourceMappingSettingsError} naming each bad key, its value and what was expected
 * @example
 * const settings = parseEventSourceMappingSettings({ batchSize: '100' });
 * settings.retryAttempts; // 10
 */
export function parseEventSourceMappingSettings(context: Readonly<Record<string, unknown>>): EventSourceMappingSettings {
  const picked = Object.fromEntries(EVENT_SOURCE_MAPPING_CONTEXT_KEYS.filter((key) => context[key] !== undefined).map((key) => [key, context[key]]));
  const result = eventSourceMappingSettingsSchema.safeParse(picked);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = issue.path.map(String).join('.');
      return `${key} = ${JSON.stringify(picked[key]) ?? 'undefined'}: expected ${issue.message}`;
    });
    throw new EventSourceMappingSettingsError(`Invalid event source mapping settings: ${problems.join('; ')}`, result.error);
  }
  return Object.freeze({ ...result.data, ...EVENT_SOURCE_MAPPING_FIXED });
}

/** Bad event source mapping settings. Not retriable: fix the context and start again. */
export class EventSourceMappingSettingsError extends DomainError {
  constructor(message: string, cause: unknown) {
    super(message, { retriable: false, cause });
  }
}
