import { companyProfileShape, deadLetterSchema, enrichedCompanySchema, type DeadLetter, type EnrichedCompany } from '@tenant-analytics/domain';
import { z } from 'zod';
import type { CompanyProfile } from './company-state';

/** A job event as committed to state: enough to re-apply it to whatever state is current. */
export interface CommittedJob {
  readonly sequenceNumber: string;
  readonly eventTime: string;
  readonly nbJobs: number;
  /** Producer event id, remembered for dedupe; absent when the producer gave none. */
  readonly eventID?: string;
}

/** The state change a pending batch makes to one company. */
export interface CompanyCommit {
  readonly companyID: string;
  /** Profile found by a tenant-manager lookup (state had none when the batch was computed). */
  readonly lookup?: { readonly profile: CompanyProfile; readonly asOf: string };
  /** Company snapshots from the `companies` stream, in sequence order. */
  readonly snapshots?: readonly { readonly profile: CompanyProfile; readonly asOf: string }[];
  /** Job events to count, in sequence order (duplicates already left out). */
  readonly jobs?: readonly CommittedJob[];
  readonly lastScore?: { readonly probability: number | null; readonly churn: boolean | null; readonly at: string };
}

/**
 * The write-ahead record of a batch: everything it will do, made durable before its first effect.
 *
 * Once a lane holds a pending batch, a replay (after a crash, or a redelivery with other batch
 * boundaries) never recomputes it: it re-applies the commits (each guarded by the company's
 * watermark, so at most once) and re-publishes the outputs under keys derived from the batch range
 * (so S3 objects are overwritten with identical content). Lookups and scores, which may answer
 * differently on a second call, are therefore asked exactly once per record.
 */
export interface PendingBatch {
  /** `<laneId>/<first>-<last>`: unique per lane and range. */
  readonly id: string;
  readonly stream: string;
  readonly shardId: string;
  readonly firstSequenceNumber: string;
  readonly lastSequenceNumber: string;
  readonly createdAt: string;
  /**
   * The lane's epoch when the batch was computed (see `LaneState.epoch`): its commits advance the
   * company watermarks of this epoch. Absent in batches written before epochs (legacy watermarks).
   */
  readonly epoch?: string;
  readonly commits: readonly CompanyCommit[];
  readonly enriched: readonly EnrichedCompany[];
  readonly deadLetters: readonly DeadLetter[];
}

/** The lane id of a shard: `<stream>/<shardId>`. */
export function laneIdOf(stream: string, shardId: string): string {
  return `${stream}/${shardId}`;
}

const profileSchema = z.object({ ...companyProfileShape, riskOfChurn: z.boolean() });
const scoreSchema = z.object({ probability: z.number().nullable(), churn: z.boolean().nullable(), at: z.string() });

/** Decodes a stored pending batch (our own data, still checked: a store can hold anything). */
export const pendingBatchSchema = z.object({
  id: z.string(),
  stream: z.string(),
  shardId: z.string(),
  firstSequenceNumber: z.string(),
  lastSequenceNumber: z.string(),
  createdAt: z.string(),
  epoch: z.string().optional(),
  commits: z.array(
    z.object({
      companyID: z.string(),
      lookup: z.object({ profile: profileSchema, asOf: z.string() }).optional(),
      snapshots: z.array(z.object({ profile: profileSchema, asOf: z.string() })).optional(),
      jobs: z
        .array(z.object({ sequenceNumber: z.string(), eventTime: z.string(), nbJobs: z.number(), eventID: z.string().optional() }))
        .optional(),
      lastScore: scoreSchema.optional(),
    }),
  ),
  enriched: z.array(enrichedCompanySchema),
  deadLetters: z.array(deadLetterSchema),
}) satisfies z.ZodType<PendingBatch>;
