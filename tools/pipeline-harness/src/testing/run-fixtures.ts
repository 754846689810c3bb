import type { DeadLetter, DeadLetterReason, EnrichedCompany } from '@tenant-analytics/domain';
import type { EnrichedObservation } from '../enriched-stream-tail';

// Fixtures of the run-statistics tests.

/** Second 0 of the fixtures' runs. */
export const T0 = Date.parse('2026-11-25T10:00:00.000Z');
export const iso = (ms: number): string => new Date(ms).toISOString();

let nextSequence = 1;
/** An enriched record with a fresh eventID and sequence number. */
export function enrichedRecordFactory(overrides: Partial<EnrichedCompany> = {}): EnrichedCompany {
  const sequence = nextSequence++;
  return {
    companyID: 'comp_1',
    industry: 'IT',
    revenu: 1000,
    employees: 10,
    job30: 1,
    job90: 2,
    monthlyFee: 100,
    totalFee: 1200,
    riskOfChurn: false,
    churnProbability: 0.1,
    eventID: `e${sequence}`,
    userID: 'user_1',
    nbJobs: 1,
    eventTime: iso(T0),
    processedAt: iso(T0 + 100),
    sentAt: iso(T0),
    source: { stream: 'bigdatajobs', shardId: 'shardId-000000000000', sequenceNumber: String(sequence) },
    ...overrides,
  };
}

/** An event sent at `sentOffsetMs` after T0 and output `latencyMs` later. */
export function observation(sentOffsetMs: number, latencyMs: number, overrides: Partial<EnrichedCompany> = {}): EnrichedObservation {
  return { record: enrichedRecordFactory({ sentAt: iso(T0 + sentOffsetMs), ...overrides }), outputAtMs: T0 + sentOffsetMs + latencyMs };
}

/** A dead letter with the given reason. */
export function deadLetterFactory(reason: DeadLetterReason): DeadLetter {
  return {
    reason,
    message: 'bad',
    stage: 'validate',
    attempts: 1,
    firstFailureAt: iso(T0),
    record: { data: '', partitionKey: 'comp_1', sequenceNumber: '1', shardId: 'shardId-000000000000', stream: 'bigdatajobs', arrivalTime: iso(T0) },
  };
}
