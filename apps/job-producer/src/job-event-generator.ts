import { createRandom, encodeJobEventCsv, encodeJobEventJson, type DeadLetterReason, type JobEvent } from '@tenant-analytics/domain';
import { UsageError } from './errors';
import { invalidRecipesFor, type JobEventFormat } from './invalid-records';

/** What the generated stream of records looks like. */
export interface JobEventGeneratorOptions {
  /** Companies the events are spread over, uniformly; they should exist in the tenant data set. */
  readonly companyIds: readonly string[];
  /** Prefix of every `eventID` (`<runId>-<sequence>`): unique per run so runs never dedupe each other. */
  readonly runId: string;
  /** Same seed, run id and schedule: byte-identical records. */
  readonly seed: number;
  /** @default 'json' */
  readonly format?: JobEventFormat;
  /** Share of records that are bad on purpose (0–1). @default 0 */
  readonly invalidRatio?: number;
  /** Share of records that re-send an earlier valid record, same `eventID` (0–1, JSON only). @default 0 */
  readonly duplicateRatio?: number;
  /** Share of valid records whose `creationDate` lies up to {@link maxOutOfOrderHours} in the past (0–1). @default 0 */
  readonly outOfOrderRatio?: number;
  /** @default 6 */
  readonly maxOutOfOrderHours?: number;
}

/** What the pipeline should do with a record: enrich it, skip it as a duplicate, or dead-letter it. */
export type RecordOutcome =
  | { readonly type: 'valid'; readonly outOfOrder: boolean }
  | { readonly type: 'duplicate'; readonly duplicateOf: number }
  | { readonly type: 'invalid'; readonly kind: string; readonly reason: DeadLetterReason };

/** One record to put on the jobs stream, with the outcome expected downstream. */
export interface GeneratedRecord {
  /** Position in the run, from 0. */
  readonly sequence: number;
  readonly data: Uint8Array;
  /** The event's companyID (the intended one for a bad record). */
  readonly partitionKey: string;
  /** Absent in CSV, which has no column for it. */
  readonly eventID?: string;
  /** The scheduled send time (ISO-8601 UTC); in the JSON body so latency can be measured downstream. */
  readonly sentAt: string;
  readonly outcome: RecordOutcome;
}

/** Returns the record scheduled at `scheduledAtMs` (epoch ms); call in schedule order. */
export type JobEventGenerator = (scheduledAtMs: number) => GeneratedRecord;

/** Characters allowed in a run id: it ends up in eventIDs and in unknown companies' ids. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,32}$/;

const DUPLICATE_POOL_SIZE = 1_000;
const USER_COUNT = 5_000;
const HOUR_MS = 3_600_000;
const MAX_OUT_OF_ORDER_HOURS = 24 * 300;

function checkRatio(flag: string, value: number): void {
  if (!(value >= 0 && value <= 1)) {
    throw new UsageError(flag, `must be a number between 0 and 1, got ${value}`);
  }
}

/**
 * Fills in the defaults and rejects settings that cannot produce the promised mix.
 *
 * @throws UsageError naming the CLI flag (`--invalid-ratio`, `--duplicate-ratio`, …)
 */
export function resolveGeneratorOptions(options: JobEventGeneratorOptions): Required<JobEventGeneratorOptions> {
  const resolved = { format: 'json', invalidRatio: 0, duplicateRatio: 0, outOfOrderRatio: 0, maxOutOfOrderHours: 6, ...options } as const;
  if (resolved.companyIds.length === 0) {
    throw new UsageError('--companies', 'needs at least one company id');
  }
  if (!RUN_ID_PATTERN.test(resolved.runId)) {
    throw new UsageError('--run-id', `must be 1-32 characters of [A-Za-z0-9_.:-], got ${JSON.stringify(resolved.runId)}`);
  }
  checkRatio('--invalid-ratio', resolved.invalidRatio);
  checkRatio('--duplicate-ratio', resolved.duplicateRatio);
  checkRatio('--out-of-order-ratio', resolved.outOfOrderRatio);
  if (resolved.invalidRatio + resolved.duplicateRatio > 1) {
    throw new UsageError('--duplicate-ratio', `--invalid-ratio + --duplicate-ratio must be at most 1, got ${resolved.invalidRatio + resolved.duplicateRatio}`);
  }
  if (resolved.duplicateRatio > 0 && resolved.format === 'csv') {
    throw new UsageError('--duplicate-ratio', 'needs --format json: CSV records carry no eventID, so the pipeline could not recognise a re-sent record');
  }
  if (!(resolved.maxOutOfOrderHours > 0 && resolved.maxOutOfOrderHours <= MAX_OUT_OF_ORDER_HOURS)) {
    throw new UsageError('--max-out-of-order-hours', `must be more than 0 and at most ${MAX_OUT_OF_ORDER_HOURS} (the decoder rejects events older than 365 days), got ${resolved.maxOutOfOrderHours}`);
  }
  return resolved;
}

/**
 * A pure, seeded source of job-event records: valid events spread over the companies, mixed with
 * realistic bad records (tagged with their dead-letter reason), re-sent duplicates and late event
 * times, in the requested shares. Random draws happen in a fixed order, so the same options and
 * schedule give the same bytes on every machine.
 *
 * @throws UsageError when a ratio is outside 0–1, the ratios add up to more than 1, or duplicates
 *   are asked for in CSV.
 * @example
 * const next = createJobEventGenerator({ companyIds: ['comp_0'], runId: 'r1', seed: 7, invalidRatio: 0.01 });
 * const record = next(Date.now());
 */
export function createJobEventGenerator(options: JobEventGeneratorOptions): JobEventGenerator {
  const settings = resolveGeneratorOptions(options);
  const random = createRandom(settings.seed);
  const recipes = invalidRecipesFor(settings.format);
  const encode = settings.format === 'json' ? encodeJobEventJson : encodeJobEventCsv;
  const duplicatePool: GeneratedRecord[] = [];
  let sequence = 0;

  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  const baseEvent = (scheduledAtMs: number, eventID: string): JobEvent => {
    const sentAt = new Date(scheduledAtMs).toISOString();
    const event = {
      companyID: pick(settings.companyIds),
      userID: `user_${Math.floor(random() * USER_COUNT)}`,
      nbJobs: 1 + Math.floor(random() ** 2 * 10),
      creationDate: sentAt,
      sentAt,
    };
    return settings.format === 'json' ? { ...event, eventID } : event;
  };

  return (scheduledAtMs) => {
    const current = sequence++;
    const eventID = `${settings.runId}-${current}`;
    const draw = random();
    if (draw >= settings.invalidRatio && draw < settings.invalidRatio + settings.duplicateRatio && duplicatePool.length > 0) {
      const original = pick(duplicatePool);
      return { ...original, sequence: current, outcome: { type: 'duplicate', duplicateOf: original.sequence } };
    }
    const event = baseEvent(scheduledAtMs, eventID);
    const common = { sequence: current, partitionKey: event.companyID, sentAt: event.sentAt as string, ...(settings.format === 'json' ? { eventID } : {}) };
    if (draw < settings.invalidRatio) {
      const recipe = pick(recipes);
      const data = recipe.spoil(event, { format: settings.format, random, scheduledAtMs, unknownCompanyId: `unknown_${settings.runId}_${current}` });
      return { ...common, data, outcome: { type: 'invalid', kind: recipe.kind, reason: recipe.reason } };
    }
    const outOfOrder = random() < settings.outOfOrderRatio;
    const creationDate = outOfOrder ? new Date(scheduledAtMs - random() * settings.maxOutOfOrderHours * HOUR_MS).toISOString() : event.creationDate;
    const record: GeneratedRecord = { ...common, data: encode({ ...event, creationDate }), outcome: { type: 'valid', outOfOrder } };
    if (duplicatePool.length < DUPLICATE_POOL_SIZE) {
      duplicatePool.push(record);
    } else {
      duplicatePool[current % DUPLICATE_POOL_SIZE] = record;
    }
    return record;
  };
}
