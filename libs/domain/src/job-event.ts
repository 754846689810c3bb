import { z } from 'zod';
import { companyIdSchema } from './company';
import { zonedDateTimeSchema } from './date-time';

const USER_ID_RULE = 'must be 1-128 characters of [A-Za-z0-9_.:@-]';

/**
 * The whole {@link userIdSchema} rule as one pattern, for checks that build no zod result (the job
 * decoder's fast path). Keep the two in step: a property test compares them.
 */
export const USER_ID_PATTERN = /^[A-Za-z0-9_.:@-]{1,128}$/;

/** `userID`: 1–128 characters of `[A-Za-z0-9_.:@-]` (ARCHITECTURE.md §2). */
export const userIdSchema = z
  .string()
  .min(1, USER_ID_RULE)
  .max(128, USER_ID_RULE)
  .regex(/^[A-Za-z0-9_.:@-]+$/, USER_ID_RULE);

/** Bounds applied to job events; the defaults are ARCHITECTURE.md §2's. */
export interface JobEventLimits {
  /** @default 1 */
  readonly minJobs: number;
  /** @default 100_000 */
  readonly maxJobs: number;
  /** How far in the past `creationDate` may be. @default 365 days */
  readonly maxAgeMs: number;
  /** How far in the future `creationDate` may be (clock skew). @default 5 minutes */
  readonly maxFutureSkewMs: number;
  /** Largest accepted record payload. @default 64 KiB */
  readonly maxRecordBytes: number;
}

export const DEFAULT_JOB_EVENT_LIMITS: JobEventLimits = {
  minJobs: 1,
  maxJobs: 100_000,
  maxAgeMs: 365 * 24 * 3600 * 1000,
  maxFutureSkewMs: 5 * 60 * 1000,
  maxRecordBytes: 64 * 1024,
};

/** Longest accepted `eventID`, in UTF-16 code units (JavaScript's `length`, as zod counts). */
export const MAX_EVENT_ID_LENGTH = 128;

/**
 * The shape of a job event (seed wire names). Range checks that depend on configuration and on the
 * clock (nbJobs bounds, creationDate window) are applied by the decoder, not here, so the schema
 * stays a pure description of the wire format.
 */
export const jobEventSchema = z.object({
  companyID: companyIdSchema,
  userID: userIdSchema,
  nbJobs: z.number().int({ error: 'must be an integer' }),
  creationDate: zonedDateTimeSchema.optional(),
  /** Producer-assigned identity, used for dedupe when present. */
  eventID: z.string().min(1, 'must be 1-128 characters').max(MAX_EVENT_ID_LENGTH, 'must be 1-128 characters').optional(),
  /** When the producer scheduled the send (ISO-8601); lets consumers measure end-to-end latency. */
  sentAt: zonedDateTimeSchema.optional(),
});
export type JobEvent = z.infer<typeof jobEventSchema>;
