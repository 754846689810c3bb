import { z } from 'zod';
import { companyProfileShape } from './company';

/** Characters of one remembered event digest. */
export const EVENT_DIGEST_LENGTH = 11;
const EVENT_DIGESTS_PATTERN = new RegExp(`^(?:[A-Za-z0-9_-]{${EVENT_DIGEST_LENGTH}})*$`);

/**
 * The processor's per-company state as stored in the state table: one item per company with
 * `pk = company#<companyID>`, `sk = state`, the document below as JSON in attribute `state`, and its
 * `version`. It is a contract because operators, the demo and the reliability suite read it (e.g.
 * to recompute counters); only the processor writes it.
 */
export const companyStateSchema = z.object({
  companyID: z.string(),
  /** Optimistic-concurrency version: every write increments it and is conditional on it. */
  version: z.number().int().nonnegative(),
  profile: z.object({ ...companyProfileShape, riskOfChurn: z.boolean() }).optional(),
  /** Snapshot time of the profile (ISO). */
  asOf: z.string().optional(),
  profileSource: z.enum(['snapshot', 'lookup']).optional(),
  /** Jobs submitted per UTC epoch day (`Math.floor(ms / 86_400_000)`), last 90 days. */
  buckets: z.record(z.string(), z.number()),
  /** The newest event day ever seen for this company. */
  newestDay: z.number().int().optional(),
  /** Per source shard (`<stream>/<shardId>`): the last applied sequence number, zero-padded. */
  watermarks: z.record(z.string(), z.string()),
  /**
   * Legacy (items written before the per-lane dedupe window): producer eventIDs applied in the
   * last 7 days as {@link EVENT_DIGEST_LENGTH}-character digests, in groups
   * `[expiresAt (epoch ms), concatenated digests]`. Read for dedupe during the first window after
   * an upgrade and pruned at the item's next write; new items never have it.
   */
  recentEventDigests: z.array(z.tuple([z.number(), z.string().regex(EVENT_DIGESTS_PATTERN)])).optional(),
  lastScore: z.object({ probability: z.number().nullable(), churn: z.boolean().nullable(), at: z.string() }).optional(),
});
export type CompanyStateRecord = z.infer<typeof companyStateSchema>;

/** The state table key of a company's item. */
export function companyStateKey(companyID: string): { readonly pk: string; readonly sk: string } {
  return { pk: `company#${companyID}`, sk: 'state' };
}

/** How many legacy event-id digests a company's item still holds (0 for items of the current layout). */
export function rememberedEventCount(state: Pick<CompanyStateRecord, 'recentEventDigests'>): number {
  return (state.recentEventDigests ?? []).reduce((sum, [, digests]) => sum + digests.length / EVENT_DIGEST_LENGTH, 0);
}

/** Jobs counted in a company's buckets (the stream's contribution on top of the profile's counts). */
export function countedJobs(state: Pick<CompanyStateRecord, 'buckets'>): number {
  return Object.values(state.buckets).reduce((sum, count) => sum + count, 0);
}
