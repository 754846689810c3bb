import { deadLetterSchema, type DeadLetter, type EnrichedCompany } from '@tenant-analytics/domain';
import type { ChurnScoringService } from '../core/churn-scoring';
import { scoringUnavailable } from '../core/batch-processor';
import { replayedEnrichedFile, serializeEnriched } from '../core/output-files';
import type { ChurnFeaturesWithId, Clock, Logger, ObjectSink, StreamSink } from '../core/ports';

/** Dead letters as stored in S3, and where replay markers go. */
export interface DeadLetterArchive extends ObjectSink {
  /** Every key under `prefix` of `bucket`, in key order. */
  listKeys(bucket: string, prefix: string): Promise<string[]>;
  /** The object's bytes; undefined when it does not exist. */
  get(bucket: string, key: string): Promise<Uint8Array | undefined>;
}

/** Puts records back on an input stream, as a producer would. */
export interface RecordResender {
  resend(stream: string, records: readonly { readonly partitionKey: string; readonly data: Uint8Array }[]): Promise<void>;
}

/** What the replay does with a dead letter, by its reason. */
export type ReplayAction =
  /** `score-failed`: the event is counted; its unscored record is scored and written. */
  | { readonly kind: 'rescore'; readonly unscored: EnrichedCompany }
  /** `unknown-company`, `lookup-failed`: the event was never counted; it goes back to its stream. */
  | { readonly kind: 'resend' }
  | { readonly kind: 'not-replayable'; readonly why: string };

/**
 * Decides what replaying `letter` means, so that its event ends up counted once and enriched
 * once. A record that failed validation is not replayed: it would fail again (fix it at the
 * source). A `score-failed` letter without its unscored record (written before the processor kept
 * one) is not replayed either: its event is counted, and sending it again would count it twice.
 */
export function replayActionOf(letter: DeadLetter): ReplayAction {
  switch (letter.reason) {
    case 'score-failed':
      return letter.unscored === undefined
        ? { kind: 'not-replayable', why: 'a score-failed dead letter without its unscored record (written before replay support): its event is counted, so sending it again would count it twice' }
        : { kind: 'rescore', unscored: letter.unscored };
    case 'unknown-company':
    case 'lookup-failed':
      return { kind: 'resend' };
    case 'sink-failed':
      return { kind: 'not-replayable', why: 'sink-failed is reserved and not written by this processor' };
    default:
      return { kind: 'not-replayable', why: `the record itself is invalid (${letter.reason}): fix it and send it to the stream again` };
  }
}

/** Where replay markers live in the dead letters' bucket: apart from them, so readers of dead letters never see one. */
export const REPLAY_MARKERS_PREFIX = 'replay-markers';

/** The key of the marker that says a dead letter was replayed (the replay is then never repeated). */
export function replayMarkerKey(deadLetterKey: string): string {
  return `${REPLAY_MARKERS_PREFIX}/${deadLetterKey}`;
}

/** What one replay run did. */
export interface ReplaySummary {
  readonly deadLetters: number;
  /** Dead letters replayed earlier (their marker exists): left alone. */
  readonly alreadyReplayed: number;
  readonly rescored: number;
  readonly resent: number;
  /** Not replayable, by reason, with up to 5 keys each. */
  readonly notReplayable: Readonly<Record<string, { readonly count: number; readonly why: string; readonly keys: readonly string[] }>>;
  /** Replayable but failed this time (run the replay again later), with up to 5 keys and the first error. */
  readonly failed: { readonly count: number; readonly keys: readonly string[]; readonly firstError?: string };
  /** Unreadable objects under the prefix (not a dead letter of this pipeline), up to 5 keys. */
  readonly unreadable: { readonly count: number; readonly keys: readonly string[] };
}

/** Where enriched records go, as the pipeline writes them. */
export interface ReplayLocations {
  readonly sink: { readonly bucket: string; readonly prefix: string };
  /** The jobs stream a `resend` writes to, by the stream the record came from (the same name unless mapped). */
  readonly streams?: Readonly<Record<string, string>>;
}

export interface DeadLetterReplayDependencies {
  readonly archive: DeadLetterArchive;
  readonly scoring: ChurnScoringService;
  readonly resender: RecordResender;
  /** Undefined when the enriched stream is disabled. */
  readonly enrichedStream?: StreamSink;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Dead letters handled per round (bounds memory and the size of one scoring call set). */
const ROUND_SIZE = 500;
const SAMPLE_KEYS = 5;

/**
 * Replays the dead letters under an S3 prefix, each at most once:
 *
 * - `score-failed`: scores the letter's unscored record (the counts as of the event) and writes
 *   the enriched record to S3, under a key of its own derived from its source position, and to the
 *   enriched stream. State is not touched: the event was counted when it failed.
 * - `unknown-company`, `lookup-failed`: puts the record back on its stream, where the pipeline
 *   counts and enriches it (a JSON job event without `eventID` gets its source position as one,
 *   so that a second send within the dedupe window is skipped as a duplicate).
 * - Invalid records: reported, not replayed.
 *
 * After its effects, a letter gets a marker object (`replay-markers/<key>`); a letter with a marker is
 * never replayed again, so the command can be re-run after any failure. A crash between the
 * effects and the marker repeats only idempotent effects: the same S3 key, a stream record that
 * consumers dedupe on `eventID`, a resent event the dedupe window skips.
 */
export class DeadLetterReplay {
  constructor(private readonly deps: DeadLetterReplayDependencies) {}

  async replay(location: { readonly bucket: string; readonly prefix: string }, locations: ReplayLocations, options: { readonly dryRun?: boolean } = {}): Promise<ReplaySummary> {
    const prefix = location.prefix === '' ? '' : `${location.prefix.replace(/\/+$/, '')}/`;
    const letterKeys = (await this.deps.archive.listKeys(location.bucket, prefix)).filter((key) => key.endsWith('.json') && !key.startsWith(`${REPLAY_MARKERS_PREFIX}/`));
    const markers = new Set(await this.deps.archive.listKeys(location.bucket, replayMarkerKey(prefix)));
    const summary = new SummaryBuilder();
    const todo = letterKeys.filter((key) => {
      if (!markers.has(replayMarkerKey(key))) return true;
      summary.alreadyReplayed += 1;
      return false;
    });
    for (let start = 0; start < todo.length; start += ROUND_SIZE) {
      const round = await this.read(location.bucket, todo.slice(start, start + ROUND_SIZE), summary);
      if (options.dryRun === true) continue;
      await this.rescore(location.bucket, round.filter((entry) => entry.action.kind === 'rescore'), locations, summary);
      await this.resend(location.bucket, round.filter((entry) => entry.action.kind === 'resend'), locations, summary);
    }
    return summary.build(letterKeys.length);
  }

  private async read(bucket: string, keys: readonly string[], summary: SummaryBuilder): Promise<LetterEntry[]> {
    const entries: LetterEntry[] = [];
    for (const key of keys) {
      const body = await this.deps.archive.get(bucket, key);
      const parsed = body === undefined ? undefined : parseLetter(body);
      if (parsed === undefined) {
        summary.unreadable(key);
        continue;
      }
      const action = replayActionOf(parsed);
      if (action.kind === 'not-replayable') summary.notReplayable(parsed.reason, action.why, key);
      else entries.push({ key, letter: parsed, action });
    }
    return entries;
  }

  private async rescore(bucket: string, entries: readonly LetterEntry[], locations: ReplayLocations, summary: SummaryBuilder): Promise<void> {
    if (entries.length === 0) return;
    const unscored = entries.map((entry) => (entry.action as Extract<ReplayAction, { kind: 'rescore' }>).unscored);
    const scores = await this.deps.scoring.scoreAll(unscored.map(featuresOf));
    const unavailable = scoringUnavailable(scores);
    if (unavailable !== undefined) {
      // Nothing written, nothing marked: the same letters are replayed by the next run.
      for (const entry of entries) summary.failed(entry.key, `churn API unavailable: ${unavailable}`);
      return;
    }
    const processedAt = this.deps.clock.now().toISOString();
    const done: { entry: LetterEntry; record: EnrichedCompany }[] = [];
    entries.forEach((entry, index) => {
      const score = scores[index];
      const record = unscored[index];
      if (score === undefined || record === undefined || !score.ok) {
        summary.failed(entry.key, score === undefined || score.ok ? 'no score returned' : score.message);
        return;
      }
      done.push({ entry, record: { ...record, riskOfChurn: score.verdict.churn, churnProbability: score.verdict.probability, processedAt } });
    });
    const serialized = serializeEnriched(done.map(({ record }) => record));
    for (const record of serialized) {
      const file = replayedEnrichedFile(record, locations.sink.prefix);
      await this.deps.archive.put(locations.sink.bucket, file.key, file.body, file.contentType, file.contentEncoding);
    }
    if (serialized.length > 0) await this.deps.enrichedStream?.putRecords(serialized);
    for (const { entry } of done) await this.mark(bucket, entry, 'rescored');
    summary.rescored += done.length;
  }

  private async resend(bucket: string, entries: readonly LetterEntry[], locations: ReplayLocations, summary: SummaryBuilder): Promise<void> {
    const byStream = new Map<string, LetterEntry[]>();
    for (const entry of entries) {
      const stream = locations.streams?.[entry.letter.record.stream] ?? entry.letter.record.stream;
      const list = byStream.get(stream) ?? [];
      list.push(entry);
      byStream.set(stream, list);
    }
    for (const [stream, streamEntries] of byStream) {
      try {
        await this.deps.resender.resend(
          stream,
          streamEntries.map(({ letter }) => ({ partitionKey: letter.record.partitionKey, data: withSourceEventId(letter) })),
        );
      } catch (error) {
        for (const entry of streamEntries) summary.failed(entry.key, `resend to ${stream} failed: ${String(error)}`);
        continue;
      }
      for (const entry of streamEntries) await this.mark(bucket, entry, 'resent');
      summary.resent += streamEntries.length;
    }
  }

  private async mark(bucket: string, entry: LetterEntry, outcome: 'rescored' | 'resent'): Promise<void> {
    const marker = { replayedAt: this.deps.clock.now().toISOString(), outcome, reason: entry.letter.reason };
    await this.deps.archive.put(bucket, replayMarkerKey(entry.key), Buffer.from(JSON.stringify(marker)), 'application/json');
    this.deps.logger.debug('dead letter replayed', { key: entry.key, outcome });
  }
}

interface LetterEntry {
  readonly key: string;
  readonly letter: DeadLetter;
  readonly action: Exclude<ReplayAction, { kind: 'not-replayable' }>;
}

/** What the churn API is sent for an enriched record: the company's id and features, as the pipeline sends them. */
function featuresOf({ companyID, industry, revenu, employees, job30, job90, monthlyFee, totalFee }: EnrichedCompany): ChurnFeaturesWithId {
  return { companyID, industry, revenu, employees, job30, job90, monthlyFee, totalFee };
}

function parseLetter(body: Uint8Array): DeadLetter | undefined {
  try {
    const parsed = deadLetterSchema.safeParse(JSON.parse(Buffer.from(body).toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The record's bytes to send again: a JSON job event without `eventID` gets the id its enriched
 * record would carry (`<stream>/<shardId>/<sequenceNumber>`), so that sending it twice within the
 * dedupe window counts it once. Anything else (CSV, an event with an id) is sent unchanged.
 */
export function withSourceEventId(letter: DeadLetter): Uint8Array {
  const data = Buffer.from(letter.record.data, 'base64');
  let event: unknown;
  try {
    event = JSON.parse(data.toString('utf8'));
  } catch {
    return data;
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event) || 'eventID' in event) return data;
  const { stream, shardId, sequenceNumber } = letter.record;
  return Buffer.from(JSON.stringify({ ...event, eventID: `${stream}/${shardId}/${sequenceNumber}` }));
}

class SummaryBuilder {
  alreadyReplayed = 0;
  rescored = 0;
  resent = 0;
  private readonly notReplayableByReason: Record<string, { count: number; why: string; keys: string[] }> = {};
  private readonly failedKeys: string[] = [];
  private failedCount = 0;
  private firstError?: string;
  private readonly unreadableKeys: string[] = [];
  private unreadableCount = 0;

  notReplayable(reason: string, why: string, key: string): void {
    const entry = (this.notReplayableByReason[reason] ??= { count: 0, why, keys: [] });
    entry.count += 1;
    if (entry.keys.length < SAMPLE_KEYS) entry.keys.push(key);
  }

  failed(key: string, error: string): void {
    this.failedCount += 1;
    this.firstError ??= error;
    if (this.failedKeys.length < SAMPLE_KEYS) this.failedKeys.push(key);
  }

  unreadable(key: string): void {
    this.unreadableCount += 1;
    if (this.unreadableKeys.length < SAMPLE_KEYS) this.unreadableKeys.push(key);
  }

  build(deadLetters: number): ReplaySummary {
    return {
      deadLetters,
      alreadyReplayed: this.alreadyReplayed,
      rescored: this.rescored,
      resent: this.resent,
      notReplayable: this.notReplayableByReason,
      failed: { count: this.failedCount, keys: this.failedKeys, ...(this.firstError === undefined ? {} : { firstError: this.firstError }) },
      unreadable: { count: this.unreadableCount, keys: this.unreadableKeys },
    };
  }
}
