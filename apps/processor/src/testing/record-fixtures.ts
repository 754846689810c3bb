import { generateCompany, type DeadLetter, type EnrichedCompany } from '@tenant-analytics/domain';
import { laneIdOf, type PendingBatch } from '../core/pending-batch';
import type { ChurnFeaturesWithId } from '../core/ports';

/** Typed factories for the data the core passes between stages (features, outputs, pending batches). */

const STREAM = 'bigdatajobs';
const SHARD = 'shardId-000000000000';

/** What the churn scorer is sent, from the generated data set (`index` picks the company). */
export function churnFeaturesFactory(index: number, overrides: Partial<ChurnFeaturesWithId> = {}): ChurnFeaturesWithId {
  const { companyID, industry, revenu, employees, job30, job90, monthlyFee, totalFee } = generateCompany(42, index);
  return { companyID, industry, revenu, employees, job30, job90, monthlyFee, totalFee, ...overrides };
}

/** An enriched record of company `index` from sequence number `sequenceNumber`. */
export function enrichedCompanyFactory(index: number, sequenceNumber: string, overrides: Partial<EnrichedCompany> = {}): EnrichedCompany {
  const { riskOfChurn: _unscored, ...company } = generateCompany(42, index);
  return {
    ...company,
    riskOfChurn: false,
    churnProbability: 0.25,
    eventID: `event-${sequenceNumber}`,
    userID: 'user_1',
    nbJobs: 1,
    eventTime: '2026-11-25T09:00:00.000Z',
    processedAt: '2026-11-25T10:00:05.000Z',
    source: { stream: STREAM, shardId: SHARD, sequenceNumber },
    ...overrides,
  };
}

/** A dead letter for the record at `sequenceNumber`, whose bytes are `data`. */
export function deadLetterFactory(sequenceNumber: string, overrides: Partial<DeadLetter> = {}, data = '{"companyID": '): DeadLetter {
  return {
    reason: 'malformed-json',
    message: 'not JSON',
    stage: 'decode',
    attempts: 1,
    firstFailureAt: '2026-11-25T10:00:05.000Z',
    record: {
      data: Buffer.from(data).toString('base64'),
      partitionKey: 'comp_1',
      sequenceNumber,
      shardId: SHARD,
      stream: STREAM,
      arrivalTime: '2026-11-25T10:00:00.000Z',
    },
    ...overrides,
  };
}

/** A pending batch of the jobs stream's first shard over `first`…`last`, with one commit. */
export function pendingBatchFactory(overrides: Partial<PendingBatch> = {}): PendingBatch {
  const first = overrides.firstSequenceNumber ?? '100';
  const last = overrides.lastSequenceNumber ?? '120';
  return {
    id: `${laneIdOf(STREAM, SHARD)}/${first}-${last}`,
    stream: STREAM,
    shardId: SHARD,
    firstSequenceNumber: first,
    lastSequenceNumber: last,
    createdAt: '2026-11-25T10:00:05.000Z',
    commits: [
      {
        companyID: 'comp_1',
        jobs: [
          { sequenceNumber: first, eventTime: '2026-11-25T09:00:00.000Z', nbJobs: 1, eventID: `event-${first}` },
          { sequenceNumber: last, eventTime: '2026-11-25T09:30:00.000Z', nbJobs: 2 },
        ],
        lastScore: { probability: 0.25, churn: false, at: '2026-11-25T10:00:05.000Z' },
      },
    ],
    enriched: [enrichedCompanyFactory(1, first), enrichedCompanyFactory(1, last, { eventTime: '2026-11-25T09:30:00.000Z', nbJobs: 2 })],
    deadLetters: [],
    ...overrides,
  };
}
