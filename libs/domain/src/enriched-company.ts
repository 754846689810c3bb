import { z } from 'zod';
import { companyIdSchema, companyProfileShape } from './company';

/** Where a record came from: enough to find it again in its stream. */
export const sourcePositionSchema = z.object({
  stream: z.string().min(1),
  shardId: z.string().min(1),
  sequenceNumber: z.string().regex(/^\d+$/),
});
export type SourcePosition = z.infer<typeof sourcePositionSchema>;

/**
 * One enriched record per valid job event: the company with its job30/job90 as of the event and
 * its churn verdict. `riskOfChurn` and `churnProbability` are `null` only when scoring failed and
 * the processor is configured to emit unscored records instead of dead-lettering them.
 */
export const enrichedCompanySchema = z.object({
  companyID: companyIdSchema,
  ...companyProfileShape,
  riskOfChurn: z.boolean().nullable(),
  churnProbability: z.number().min(0).max(1).nullable(),
  eventID: z.string().min(1),
  userID: z.string().min(1),
  nbJobs: z.number().int(),
  eventTime: z.iso.datetime({ offset: true }),
  processedAt: z.iso.datetime({ offset: true }),
  sentAt: z.iso.datetime({ offset: true }).optional(),
  source: sourcePositionSchema,
});
export type EnrichedCompany = z.infer<typeof enrichedCompanySchema>;
