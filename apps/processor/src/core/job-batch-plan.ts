import type { DeadLetter, DeadLetterReason, DeadLetterStage, DecodedJobEvent, EnrichedCompany } from '@tenant-analytics/domain';
import type { ScoringOutcome } from './churn-scoring';
import { applyJobEvents, applyLookupProfile, emptyCompanyState, type CompanyProfile, type CompanyState, type JobCounts } from './company-state';
import { eventKeyDigest } from './dedupe-window';
import type { CommittedJob, CompanyCommit } from './pending-batch';
import type { InputRecord } from './ports';
import type { ProfileLookupOutcome } from './tenant-profiles';

/** A job record that decoded and validated. */
export interface DecodedJob {
  readonly record: InputRecord;
  readonly event: DecodedJobEvent;
}

/** A job event to enrich: its record, its event, and the company as of the event (counts included). */
export interface JobCandidate {
  readonly record: InputRecord;
  readonly event: DecodedJobEvent;
  readonly company: CompanyProfile & { readonly companyID: string; readonly job30: number; readonly job90: number };
}

/** What the plan does to one company: the lookup it stores, the jobs it counts, the state they lead to. */
export interface CompanyPlan {
  readonly lookup?: CompanyCommit['lookup'];
  readonly jobs: readonly CommittedJob[];
  /** The pre-state with the lookup and the jobs applied (what committing the jobs makes of it). */
  readonly state: CompanyState;
  /** The dedupe digests ({@link eventKeyDigest}) of those jobs that carry a producer event id, in order. */
  readonly eventDigests: readonly number[];
}

/** The plan of a jobs batch, before scoring: pure, from what was gathered. */
export interface JobsPlan {
  /** In input order within each company, companies in first-seen order: one per enriched record to be. */
  readonly candidates: readonly JobCandidate[];
  readonly companies: ReadonlyMap<string, CompanyPlan>;
  /** Records of unknown companies or failed lookups. */
  readonly deadLetters: readonly DeadLetter[];
  /** Producer duplicates skipped. */
  readonly duplicates: number;
}

/** What the plan needs besides the events: everything the gather step read. */
export interface PlanInputs {
  readonly states: ReadonlyMap<string, CompanyState>;
  readonly lookups: ReadonlyMap<string, ProfileLookupOutcome>;
  /**
   * Whether a producer event was applied earlier (the lane's dedupe window, legacy item digests);
   * `digest` is its {@link eventKeyDigest}.
   */
  readonly isDuplicate: (digest: number, eventID: string, state: CompanyState) => boolean;
  readonly now: Date;
}

/**
 * Plans a jobs batch (ARCHITECTURE.md §3), per company in sequence order: a company whose lookup
 * failed dead-letters its records; a looked-up profile is set as of the tenant manager's answer;
 * a producer duplicate (in the batch, or remembered) is skipped; every other event is applied to
 * the company's state, and its counts as of the event make it a scoring candidate.
 */
export function planJobs(eventsByCompany: ReadonlyMap<string, readonly DecodedJob[]>, inputs: PlanInputs): JobsPlan {
  const candidates: JobCandidate[] = [];
  const companies = new Map<string, CompanyPlan>();
  const deadLetters: DeadLetter[] = [];
  let duplicates = 0;
  for (const [companyID, events] of eventsByCompany) {
    let state: CompanyState = inputs.states.get(companyID) ?? emptyCompanyState(companyID);
    let lookup: CompanyCommit['lookup'];
    const outcome = inputs.lookups.get(companyID);
    if (outcome !== undefined) {
      if (outcome.status !== 'found') {
        const [reason, message, attempts]: [DeadLetterReason, string, number] =
          outcome.status === 'unknown'
            ? ['unknown-company', `company ${companyID} is unknown to the tenant manager (404)`, 1]
            : ['lookup-failed', outcome.message, outcome.attempts];
        for (const { record } of events) deadLetters.push(toDeadLetter(record, 'lookup', reason, message, attempts, inputs.now));
        continue;
      }
      const { companyID: _id, ...profile } = outcome.company;
      lookup = { profile, asOf: outcome.answeredAt };
      state = applyLookupProfile(state, profile, lookup.asOf);
    }
    const fresh: DecodedJob[] = [];
    const eventDigests: number[] = [];
    // Producer ids seen in this batch (a company's only event cannot repeat one: no set for it).
    const inBatch = events.length > 1 ? new Set<string>() : undefined;
    for (const decoded of events) {
      const { eventID } = decoded.event;
      if (eventID !== undefined) {
        if (inBatch?.has(eventID) === true) {
          duplicates += 1;
          continue;
        }
        const digest = eventKeyDigest(companyID, eventID);
        if (inputs.isDuplicate(digest, eventID, state)) {
          duplicates += 1;
          continue;
        }
        inBatch?.add(eventID);
        eventDigests.push(digest);
      }
      fresh.push(decoded);
    }
    if (fresh.length === 0) continue;
    const applied = applyJobEvents(state, fresh.map(({ event }) => event));
    state = applied.state;
    const profile = state.profile as CompanyProfile;
    const jobs: CommittedJob[] = fresh.map(({ record, event }, index) => {
      const counts = applied.counts[index] as JobCounts;
      // A literal of the profile's fields, not a spread of it (and in the spread's order, so that a
      // churn API request body stays byte for byte the same): one object of a fixed shape per event.
      const company = {
        industry: profile.industry,
        revenu: profile.revenu,
        employees: profile.employees,
        job30: counts.job30,
        job90: counts.job90,
        monthlyFee: profile.monthlyFee,
        totalFee: profile.totalFee,
        riskOfChurn: profile.riskOfChurn,
        companyID,
      };
      candidates.push({ record, event, company });
      // Literals rather than a conditional spread: this runs per event.
      const { sequenceNumber } = record;
      const { eventTime, nbJobs, eventID } = event;
      return eventID === undefined ? { sequenceNumber, eventTime, nbJobs } : { sequenceNumber, eventTime, nbJobs, eventID };
    });
    companies.set(companyID, lookup === undefined ? { jobs, state, eventDigests } : { lookup, jobs, state, eventDigests });
  }
  return { candidates, companies, deadLetters, duplicates };
}

/** What the scores make of the plan's candidates. */
export interface ScoredOutputs {
  readonly enriched: readonly EnrichedCompany[];
  readonly deadLetters: readonly DeadLetter[];
  /** Each company's last score in the batch. */
  readonly lastScores: ReadonlyMap<string, NonNullable<CompanyCommit['lastScore']>>;
}

/**
 * Turns scored candidates into enriched records; a candidate whose scoring failed for good is
 * dead-lettered `score-failed`, or enriched without a score with `onScoringFailure = emit-unscored`.
 */
export function scoredOutputs(
  candidates: readonly JobCandidate[],
  scores: readonly ScoringOutcome[],
  onScoringFailure: 'dead-letter' | 'emit-unscored',
  now: Date,
): ScoredOutputs {
  const processedAt = now.toISOString();
  const enriched: EnrichedCompany[] = [];
  const deadLetters: DeadLetter[] = [];
  // Each company's last enriched record, its score made into `lastScore` once per company at the end.
  const lastEnriched = new Map<string, EnrichedCompany>();
  candidates.forEach((candidate, index) => {
    const score = scores[index];
    if (score === undefined || (!score.ok && onScoringFailure === 'dead-letter')) {
      const message = score !== undefined && !score.ok ? score.message : 'no score returned';
      const attempts = score !== undefined && !score.ok ? score.attempts : 0;
      // The event is counted: its dead letter keeps the record to score on replay, not one to count again.
      const unscored = enrichedRecord(candidate, null, null, processedAt);
      deadLetters.push({ ...toDeadLetter(candidate.record, 'score', 'score-failed', message, attempts, now), unscored });
      return;
    }
    const verdict = score.ok ? score.verdict : undefined;
    const record = enrichedRecord(candidate, verdict?.churn ?? null, verdict?.probability ?? null, processedAt);
    enriched.push(record);
    lastEnriched.set(record.companyID, record);
  });
  const lastScores = new Map<string, NonNullable<CompanyCommit['lastScore']>>();
  for (const [companyID, record] of lastEnriched) lastScores.set(companyID, { probability: record.churnProbability, churn: record.riskOfChurn, at: processedAt });
  return { enriched, deadLetters, lastScores };
}

/** The enriched record of a candidate (ARCHITECTURE.md §2). */
function enrichedRecord({ record, event, company }: JobCandidate, riskOfChurn: boolean | null, churnProbability: number | null, processedAt: string): EnrichedCompany {
  return {
    companyID: company.companyID,
    industry: company.industry,
    revenu: company.revenu,
    employees: company.employees,
    job30: company.job30,
    job90: company.job90,
    monthlyFee: company.monthlyFee,
    totalFee: company.totalFee,
    riskOfChurn,
    churnProbability,
    eventID: event.eventID ?? `${record.stream}/${record.shardId}/${record.sequenceNumber}`,
    userID: event.userID,
    nbJobs: event.nbJobs,
    eventTime: event.eventTime,
    processedAt,
    // Undefined when the producer gave none: JSON leaves it out (a conditional spread here would
    // cost an object per event).
    sentAt: event.sentAt,
    source: { stream: record.stream, shardId: record.shardId, sequenceNumber: record.sequenceNumber },
  };
}

/** A dead letter for `record`, with the record kept whole (base64) so it can be replayed. */
export function toDeadLetter(
  record: InputRecord,
  stage: DeadLetterStage,
  reason: DeadLetterReason,
  message: string,
  attempts: number,
  at: Date,
): DeadLetter {
  return {
    reason,
    message,
    stage,
    attempts,
    firstFailureAt: at.toISOString(),
    record: {
      data: Buffer.from(record.data).toString('base64'),
      partitionKey: record.partitionKey,
      sequenceNumber: record.sequenceNumber,
      shardId: record.shardId,
      stream: record.stream,
      arrivalTime: record.arrivalTime.toISOString(),
    },
  };
}
