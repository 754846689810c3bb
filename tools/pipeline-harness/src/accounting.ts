import { z } from 'zod';
import { compareSequenceNumbers, type DeadLetter, type DeadLetterReason, type EnrichedCompany } from '@tenant-analytics/domain';
import type { GeneratedRecord } from '@tenant-analytics/job-producer';

/**
 * A record Kinesis accepted, with the outcome the pipeline owes it: what the producer's
 * `onRecordsAccepted` hands over, or a hand-made record of the same shape.
 */
export type AccountableRecord = Pick<GeneratedRecord, 'data' | 'eventID' | 'outcome'>;

/** What {@link accountForRecords} compares. */
export interface AccountingInput {
  /** Every record put on the jobs stream during the run (and only those). */
  readonly records: readonly AccountableRecord[];
  /** Every enriched record in the S3 sink. */
  readonly enriched: readonly EnrichedCompany[];
  readonly deadLetters: readonly DeadLetter[];
  /** Every record read from the enriched stream. @default - the stream is not checked */
  readonly onStream?: readonly EnrichedCompany[];
  /**
   * `countedJobs(state)` per company, read from the state table for at least
   * {@link accountedCompanies} of the records. @default - counters are not checked
   */
  readonly countedJobs?: ReadonlyMap<string, number>;
  /**
   * Dead-letter reasons a valid event may get instead of being enriched: under injected faults
   * `score-failed` (the event still counts) and `lookup-failed` (it does not) are legitimate; a
   * clean run tolerates none. `lookup-failed` also stands in for `unknown-company`.
   * @default ['score-failed', 'lookup-failed']
   */
  readonly toleratedFailures?: readonly ('score-failed' | 'lookup-failed')[];
}

/** One input whose outputs are not what it is owed. */
export interface Discrepancy {
  /** `event:<eventID>`, or `data:<first bytes, base64>` for a record without a usable eventID. */
  readonly key: string;
  /** `enriched`, or the dead-letter reason the record is owed. */
  readonly expected: string;
  /** `enriched`, a dead-letter reason, `nothing`, or `N outputs` for surplus. */
  readonly actual: string;
  /** For a wrong dead-letter reason: the dead letter's message. */
  readonly message?: string;
}

/** A company whose stored counter differs from the recomputation from the inputs. */
export interface CounterMismatch {
  readonly companyID: string;
  readonly expected: number;
  readonly actual: number;
}

/** An enriched record whose counts did not grow by the jobs applied since the previous one. */
export interface RollingCountMismatch {
  readonly eventID: string;
  readonly companyID: string;
  /** The company's previous enriched record, for diagnosis: same `processedAt` = same batch. */
  readonly previous: { readonly eventID: string; readonly job30: number; readonly sequenceNumber: string; readonly processedAt: string };
  readonly job30: number;
  readonly sequenceNumber: string;
  readonly processedAt: string;
  /** Jobs applied since the company's previous enriched record, this one included. */
  readonly expectedGrowth: number;
  readonly job30Growth: number;
  readonly job90Growth: number;
}

/** The verdict of {@link accountForRecords}: counts for a report table, then every discrepancy. */
export interface AccountingReport {
  /** Records accepted on the jobs stream. */
  readonly records: number;
  /** Lines in the S3 sink. */
  readonly enriched: number;
  readonly deadLettersByReason: Readonly<Partial<Record<DeadLetterReason, number>>>;
  /** Re-sent copies of an already applied event that produced nothing, as they should. */
  readonly duplicatesSkipped: number;
  /** eventIDs found on more than one S3 line. */
  readonly duplicatesInS3: readonly { readonly eventID: string; readonly copies: number }[];
  /** Events applied more than once (enriched and `score-failed`, or two `score-failed`). */
  readonly appliedTwice: readonly string[];
  /** Inputs with fewer outputs than owed (lost). */
  readonly missing: readonly Discrepancy[];
  /** Inputs with more outputs than copies sent. */
  readonly surplus: readonly Discrepancy[];
  /** Inputs with an output of the wrong kind (enriched instead of dead-lettered, wrong reason). */
  readonly wrongOutcome: readonly Discrepancy[];
  /** Outputs that match no input. */
  readonly unexpected: { readonly enriched: readonly string[]; readonly deadLetters: readonly { readonly reason: string; readonly data: string }[] };
  /** At-least-once checks of the output stream (S3 eventIDs absent from it, and the reverse). */
  readonly stream?: { readonly missing: readonly string[]; readonly unexpected: readonly string[]; readonly redelivered: number };
  readonly counters?: { readonly companies: number; readonly mismatches: readonly CounterMismatch[] };
  /**
   * Enriched records whose job30/job90 are not the running count: between two records of a
   * company on the same UTC day (in sequence order), each count must grow by exactly the jobs of
   * the events applied from the first to the second (enriched or `score-failed`). Catches counts
   * computed from a stale state even when the final counter is right.
   */
  readonly rollingCounts: { readonly checked: number; readonly mismatches: readonly RollingCountMismatch[] };
  /** No discrepancy of any kind. */
  readonly ok: boolean;
}

const DAY_MS = 86_400_000;
/** Buckets kept per company (ARCHITECTURE.md §3): an event more than 89 days before the newest day adds nothing. */
const WINDOW_DAYS = 90;
const SAMPLE_BYTES = 48;

// Only the fields the recomputation needs; everything else in a valid event is ignored, as the processor does.
const jobFieldsSchema = z.object({ companyID: z.string(), userID: z.string(), nbJobs: z.number(), creationDate: z.string().optional() });
type JobFields = z.infer<typeof jobFieldsSchema>;

/**
 * The fields of a record the producer marked valid. CSV fields are split on commas and unquoted:
 * a valid event has no comma inside a field (ids exclude them, ISO dates have none).
 */
function jobFieldsOf(data: Uint8Array): JobFields | undefined {
  const text = Buffer.from(data).toString('utf8').trim();
  if (text.startsWith('{')) {
    try {
      const parsed = jobFieldsSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
  const [companyID, userID, nbJobs, creationDate] = text.split(',').map((field) => field.trim().replace(/^"(.*)"$/, '$1').replaceAll('""', '"'));
  const parsed = jobFieldsSchema.safeParse({ companyID, userID, nbJobs: Number(nbJobs), ...(creationDate ? { creationDate } : {}) });
  return parsed.success ? parsed.data : undefined;
}

const fingerprint = (fields: Pick<JobFields, 'companyID' | 'userID' | 'nbJobs'>): string => `${fields.companyID}|${fields.userID}|${fields.nbJobs}`;
/** eventIDs the processor makes up for events without one: `<stream>/<shardId>/<sequenceNumber>`. */
const POSITION_EVENT_ID = /^[^/]+\/[^/]+\/\d+$/;

/** Inputs that share their fate: copies of one eventID (dedupe), or identical bytes without one. */
interface InputGroup {
  readonly key: string;
  /** Copies of one event deduped on eventID: at most one may be applied, the others are skipped. */
  readonly deduped: boolean;
  /** `valid`, or the dead-letter reason owed. */
  readonly owed: 'valid' | DeadLetterReason;
  readonly fields: JobFields | undefined;
  copies: number;
  enriched: number;
  readonly letters: DeadLetter[];
}

/** The companies whose counters {@link accountForRecords} recomputes: read their state for it. */
export function accountedCompanies(records: readonly AccountableRecord[]): string[] {
  const companies = new Set<string>();
  for (const record of records) {
    const fields = record.outcome.type === 'invalid' ? undefined : jobFieldsOf(record.data);
    if (fields !== undefined) companies.add(fields.companyID);
  }
  return [...companies].sort();
}

function groupInputs(records: readonly AccountableRecord[]): { groups: Map<string, InputGroup>; byEventId: Map<string, InputGroup>; byData: Map<string, InputGroup> } {
  const groups = new Map<string, InputGroup>();
  const byEventId = new Map<string, InputGroup>();
  const byData = new Map<string, InputGroup>();
  for (const record of records) {
    const data = Buffer.from(record.data).toString('base64');
    const owed = record.outcome.type === 'invalid' ? record.outcome.reason : 'valid';
    const deduped = owed === 'valid' && record.eventID !== undefined;
    const key = deduped ? `event:${record.eventID}` : `data:${data.slice(0, SAMPLE_BYTES)}${data.length > SAMPLE_BYTES ? `…(${data.length})` : ''}`;
    const identity = deduped ? `event:${record.eventID}` : `data:${data}`;
    let group = groups.get(identity);
    if (group === undefined) {
      group = { key, deduped, owed, fields: owed === 'valid' ? jobFieldsOf(record.data) : undefined, copies: 0, enriched: 0, letters: [] };
      groups.set(identity, group);
    }
    group.copies += 1;
    byData.set(data, group);
    // An enriched line carrying the eventID of a bad record is attributed to that record.
    if (record.eventID !== undefined) byEventId.set(record.eventID, group);
  }
  return { groups, byEventId, byData };
}

/**
 * Accounts for every record of a run (ARCHITECTURE.md §3): each input is enriched exactly once
 * (matched by eventID; records without one by companyID, userID and nbJobs) or dead-lettered
 * exactly once with the reason it is owed (matched by its bytes, `record.data`); re-sent copies of
 * an applied event produce nothing; and each company's `countedJobs` equals the sum of `nbJobs` of
 * its valid events, recomputed from the inputs (events whose only outcome is `lookup-failed`
 * excluded, the 90-day bucket window applied).
 *
 * @example
 * const report = accountForRecords({ records, enriched: await probe.enrichedInS3(), deadLetters: await probe.deadLetters() });
 * if (!report.ok) console.log(report.missing, report.wrongOutcome);
 */
export function accountForRecords(input: AccountingInput): AccountingReport {
  const tolerated = new Set<DeadLetterReason>(input.toleratedFailures ?? ['score-failed', 'lookup-failed']);
  const { groups, byEventId, byData } = groupInputs(input.records);

  // Valid inputs without a usable eventID, found again by content.
  const byFingerprint = new Map<string, InputGroup[]>();
  for (const group of groups.values()) {
    if (group.owed !== 'valid' || group.deduped || group.fields === undefined) continue;
    const list = byFingerprint.get(fingerprint(group.fields)) ?? [];
    list.push(group);
    byFingerprint.set(fingerprint(group.fields), list);
  }

  const s3Copies = new Map<string, number>();
  const unexpectedEnriched: string[] = [];
  for (const line of input.enriched) {
    s3Copies.set(line.eventID, (s3Copies.get(line.eventID) ?? 0) + 1);
    const group =
      byEventId.get(line.eventID) ??
      (POSITION_EVENT_ID.test(line.eventID) ? byFingerprint.get(fingerprint(line))?.find((candidate) => candidate.enriched < candidate.copies) : undefined);
    if (group === undefined) unexpectedEnriched.push(line.eventID);
    else group.enriched += 1;
  }

  const deadLettersByReason: Partial<Record<DeadLetterReason, number>> = {};
  const unexpectedLetters: { reason: string; data: string }[] = [];
  for (const letter of input.deadLetters) {
    deadLettersByReason[letter.reason] = (deadLettersByReason[letter.reason] ?? 0) + 1;
    const group = byData.get(letter.record.data);
    if (group === undefined) unexpectedLetters.push({ reason: letter.reason, data: letter.record.data.slice(0, SAMPLE_BYTES) });
    else group.letters.push(letter);
  }

  const missing: Discrepancy[] = [];
  const surplus: Discrepancy[] = [];
  const wrongOutcome: Discrepancy[] = [];
  const appliedTwice: string[] = [];
  const contributions: { companyID: string; nbJobs: number; day: number | undefined }[] = [];
  let duplicatesSkipped = 0;

  for (const group of groups.values()) {
    const expected = group.owed === 'valid' ? 'enriched' : group.owed;
    const acceptable = new Set<string>(
      group.owed === 'valid' ? ['enriched', ...tolerated] : [group.owed, ...(group.owed === 'unknown-company' && tolerated.has('lookup-failed') ? ['lookup-failed'] : [])],
    );
    const outputs = [...Array<string>(group.enriched).fill('enriched'), ...group.letters.map((letter) => letter.reason)];
    for (const actual of new Set(outputs)) {
      if (acceptable.has(actual)) continue;
      const message = group.letters.find((letter) => letter.reason === actual)?.message;
      wrongOutcome.push({ key: group.key, expected, actual, ...(message === undefined ? {} : { message }) });
    }

    // Enriched and score-failed copies were applied to state; lookup-failed ones were not.
    const applied = group.enriched + group.letters.filter((letter) => letter.reason === 'score-failed').length;
    if (outputs.length > group.copies) surplus.push({ key: group.key, expected: `${group.copies} output(s)`, actual: `${outputs.length} outputs` });
    if (group.deduped) {
      if (applied > 1) appliedTwice.push(group.key);
      const skipped = Math.max(0, group.copies - outputs.length);
      // A copy may only be skipped as a duplicate of a copy that was applied.
      if (outputs.length === 0 || (skipped > 0 && applied === 0)) missing.push({ key: group.key, expected, actual: outputs.length === 0 ? 'nothing' : outputs.join(',') });
      else duplicatesSkipped += skipped;
    } else if (outputs.length < group.copies) {
      missing.push({ key: group.key, expected: `${group.copies} × ${expected}`, actual: outputs.length === 0 ? 'nothing' : outputs.join(',') });
    }

    if (group.owed === 'valid' && group.fields !== undefined) {
      const lookupFailed = group.letters.filter((letter) => letter.reason === 'lookup-failed').length;
      // Owed a count unless its only outcomes were lookup failures (a legitimate loss of the count).
      const counted = group.deduped ? (outputs.length > 0 && lookupFailed === outputs.length ? 0 : 1) : Math.max(0, group.copies - lookupFailed);
      const createdMs = group.fields.creationDate === undefined ? Number.NaN : Date.parse(group.fields.creationDate);
      for (let n = 0; n < counted; n++) {
        contributions.push({ companyID: group.fields.companyID, nbJobs: group.fields.nbJobs, day: Number.isNaN(createdMs) ? undefined : Math.floor(createdMs / DAY_MS) });
      }
    }
  }

  const duplicatesInS3 = [...s3Copies.entries()].filter(([, copies]) => copies > 1).map(([eventID, copies]) => ({ eventID, copies }));
  const stream = input.onStream === undefined ? undefined : checkStream(input.enriched, input.onStream);
  const counters = input.countedJobs === undefined ? undefined : checkCounters(contributions, input.countedJobs);
  const rollingCounts = checkRollingCounts(input.enriched, input.deadLetters);
  const unexpected = { enriched: unexpectedEnriched, deadLetters: unexpectedLetters };
  const ok =
    duplicatesInS3.length === 0 &&
    appliedTwice.length === 0 &&
    missing.length === 0 &&
    surplus.length === 0 &&
    wrongOutcome.length === 0 &&
    unexpectedEnriched.length === 0 &&
    unexpectedLetters.length === 0 &&
    (stream === undefined || (stream.missing.length === 0 && stream.unexpected.length === 0)) &&
    (counters === undefined || counters.mismatches.length === 0) &&
    rollingCounts.mismatches.length === 0;
  return {
    records: input.records.length,
    enriched: input.enriched.length,
    deadLettersByReason,
    duplicatesSkipped,
    duplicatesInS3,
    appliedTwice,
    missing,
    surplus,
    wrongOutcome,
    unexpected,
    ...(stream === undefined ? {} : { stream }),
    ...(counters === undefined ? {} : { counters }),
    rollingCounts,
    ok,
  };
}

/** The stream is at-least-once: every S3 eventID at least once, nothing else; repeats are counted. */
function checkStream(inS3: readonly EnrichedCompany[], onStream: readonly EnrichedCompany[]): NonNullable<AccountingReport['stream']> {
  const s3Ids = new Set(inS3.map((line) => line.eventID));
  const streamIds = new Set(onStream.map((record) => record.eventID));
  return {
    missing: [...s3Ids].filter((id) => !streamIds.has(id)),
    unexpected: [...streamIds].filter((id) => !s3Ids.has(id)),
    redelivered: onStream.length - streamIds.size,
  };
}

function checkCounters(contributions: readonly { companyID: string; nbJobs: number; day: number | undefined }[], actual: ReadonlyMap<string, number>): NonNullable<AccountingReport['counters']> {
  const newestDay = new Map<string, number>();
  for (const { companyID, day } of contributions) {
    if (day !== undefined) newestDay.set(companyID, Math.max(day, newestDay.get(companyID) ?? day));
  }
  const expected = new Map<string, number>();
  for (const { companyID, nbJobs, day } of contributions) {
    const newest = newestDay.get(companyID);
    const inWindow = day === undefined || newest === undefined || day > newest - WINDOW_DAYS;
    expected.set(companyID, (expected.get(companyID) ?? 0) + (inWindow ? nbJobs : 0));
  }
  const companies = new Set([...expected.keys(), ...actual.keys()]);
  const mismatches: CounterMismatch[] = [];
  for (const companyID of [...companies].sort()) {
    const want = expected.get(companyID) ?? 0;
    const got = actual.get(companyID) ?? 0;
    if (want !== got) mismatches.push({ companyID, expected: want, actual: got });
  }
  return { companies: companies.size, mismatches };
}

interface AppliedEvent {
  readonly shard: string;
  readonly sequenceNumber: string;
  readonly day: number;
  readonly nbJobs: number;
  readonly line?: EnrichedCompany;
}

function checkRollingCounts(enriched: readonly EnrichedCompany[], deadLetters: readonly DeadLetter[]): AccountingReport['rollingCounts'] {
  const byCompany = new Map<string, AppliedEvent[]>();
  const add = (companyID: string, event: AppliedEvent): void => {
    const list = byCompany.get(companyID) ?? [];
    list.push(event);
    byCompany.set(companyID, list);
  };
  const seen = new Set<string>();
  for (const line of enriched) {
    // A redelivered copy of a line is the same application.
    const position = `${line.source.shardId}/${line.source.sequenceNumber}`;
    if (seen.has(position)) continue;
    seen.add(position);
    add(line.companyID, { shard: line.source.shardId, sequenceNumber: line.source.sequenceNumber, day: Math.floor(Date.parse(line.eventTime) / DAY_MS), nbJobs: line.nbJobs, line });
  }
  // score-failed events were applied to the state without an enriched record.
  for (const letter of deadLetters) {
    if (letter.reason !== 'score-failed') continue;
    const fields = jobFieldsOf(Buffer.from(letter.record.data, 'base64'));
    if (fields === undefined) continue;
    const createdMs = fields.creationDate === undefined ? Date.parse(letter.record.arrivalTime) : Date.parse(fields.creationDate);
    add(fields.companyID, { shard: letter.record.shardId, sequenceNumber: letter.record.sequenceNumber, day: Math.floor(createdMs / DAY_MS), nbJobs: fields.nbJobs });
  }
  let checked = 0;
  const mismatches: RollingCountMismatch[] = [];
  for (const [companyID, events] of byCompany) {
    // Order is defined within one shard only (partition key = companyID puts a company on one).
    if (new Set(events.map(({ shard }) => shard)).size > 1) continue;
    events.sort((a, b) => compareSequenceNumbers(a.sequenceNumber, b.sequenceNumber));
    let previous: EnrichedCompany | undefined;
    let previousDay: number | undefined;
    let growth = 0;
    for (const event of events) {
      if (event.day !== previousDay) {
        previous = undefined;
        growth = 0;
      }
      previousDay = event.day;
      growth += event.nbJobs;
      if (event.line === undefined) continue;
      if (previous !== undefined) {
        checked += 1;
        const job30Growth = event.line.job30 - previous.job30;
        const job90Growth = event.line.job90 - previous.job90;
        if (job30Growth !== growth || job90Growth !== growth) {
          const { eventID, job30, source, processedAt } = event.line;
          mismatches.push({
            eventID,
            companyID,
            previous: { eventID: previous.eventID, job30: previous.job30, sequenceNumber: previous.source.sequenceNumber, processedAt: previous.processedAt },
            job30,
            sequenceNumber: source.sequenceNumber,
            processedAt,
            expectedGrowth: growth,
            job30Growth,
            job90Growth,
          });
        }
      }
      previous = event.line;
      growth = 0;
    }
  }
  return { checked, mismatches };
}
