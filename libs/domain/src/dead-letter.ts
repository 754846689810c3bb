import { z } from 'zod';
import { enrichedCompanySchema } from './enriched-company';

/** The pipeline stage at which a record failed for good. */
export const DEAD_LETTER_STAGES = ['decode', 'validate', 'lookup', 'score', 'sink'] as const;
export type DeadLetterStage = (typeof DEAD_LETTER_STAGES)[number];

/**
 * Stable reason codes. Decoder reasons come first; the rest are the processor's outcomes.
 * Consumers may branch on these: never rename one.
 */
export const DEAD_LETTER_REASONS = [
  'malformed-json',
  'malformed-csv',
  'invalid-utf8',
  'empty-record',
  'too-large',
  'missing-field',
  'bad-type',
  'bad-format',
  'out-of-range',
  'unknown-company',
  'lookup-failed',
  'score-failed',
  'sink-failed',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/** The Kinesis record as received, kept whole so a dead letter can be replayed. */
export const rawRecordSchema = z.object({
  /** The record's bytes, base64. */
  data: z.string(),
  partitionKey: z.string(),
  sequenceNumber: z.string(),
  shardId: z.string(),
  stream: z.string(),
  arrivalTime: z.iso.datetime({ offset: true }),
});
export type RawRecordEnvelope = z.infer<typeof rawRecordSchema>;

/** A record that failed for good, with why and where (ARCHITECTURE.md §2). */
export const deadLetterSchema = z.object({
  reason: z.enum(DEAD_LETTER_REASONS),
  message: z.string(),
  stage: z.enum(DEAD_LETTER_STAGES),
  attempts: z.number().int().nonnegative(),
  firstFailureAt: z.iso.datetime({ offset: true }),
  record: rawRecordSchema,
  /**
   * `score-failed` only: the enriched record the event would have made, counts as of the event,
   * without its verdict. The event is already counted in state, so a replay scores this record
   * (`npx nx run processor:replay`) instead of sending the event through the stream again.
   */
  unscored: enrichedCompanySchema.optional(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;
