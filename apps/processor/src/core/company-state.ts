import { hash } from 'node:crypto';
import { compareSequenceNumbers, EVENT_DIGEST_LENGTH, type Company, type CompanyStateRecord } from '@tenant-analytics/domain';


/** Milliseconds in a UTC day. */
export const DAY_MS = 86_400_000;
/** Days a job bucket is kept: the longest window (job90). */
export const WINDOW_DAYS = 90;

/** The profile fields of a company, without its id (the state item is keyed by it). */
export type CompanyProfile = Omit<Company, 'companyID'>;

/** Where a profile came from: a snapshot on the `companies` stream or a tenant-manager lookup. */
export type ProfileSource = 'snapshot' | 'lookup';

/**
 * The durable state of one company (one DynamoDB item; the stored shape is the domain's
 * {@link CompanyStateRecord} contract). Treat it as immutable: every transition returns a new one.
 *
 * Invariants:
 * - `buckets` holds only days in `[newestDay − 89, newestDay]` and only days ≥ `day(asOf)` added
 *   after the profile snapshot;
 * - `watermarks[lane]` is the sequence number (fixed width, so string order = numeric order) of the
 *   last job event applied from that shard; events at or below it are never applied again;
 * - producer event ids live in the lane's dedupe window (`dedupe-window.ts`), not here; an item
 *   written before that may still hold `recentEventDigests`, pruned at its next write.
 */
export type CompanyState = Readonly<CompanyStateRecord>;

/** A fresh, empty state for a company (version 0: the item does not exist yet). */
export function emptyCompanyState(companyID: string): CompanyState {
  return { companyID, version: 0, buckets: {}, watermarks: {} };
}

/** The UTC epoch day of an ISO timestamp or epoch milliseconds. */
export function epochDay(time: string | number): number {
  if (typeof time === 'number') return Math.floor(time / DAY_MS);
  return canonicalEpochDay(time) ?? Math.floor(Date.parse(time) / DAY_MS);
}

/** The value of the decimal digits of `text` in [from, to), or NaN if one is not a digit. */
function digitsAt(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * {@link epochDay} of a timestamp in `Date#toISOString`'s form (`2026-11-25T10:00:00.000Z`, which
 * decoded event times always have) by arithmetic on its digits, as `Date.parse` computes it (a day
 * past the month's end rolls over, as there); undefined for any other form. Parsing the date cost
 * more than everything else a job event does to the state.
 */
function canonicalEpochDay(iso: string): number | undefined {
  if (iso.length !== 24 || iso[4] !== '-' || iso[7] !== '-' || iso[10] !== 'T' || iso[13] !== ':' || iso[16] !== ':' || iso[19] !== '.' || iso[23] !== 'Z') return undefined;
  const year = digitsAt(iso, 0, 4);
  const month = digitsAt(iso, 5, 7);
  const day = digitsAt(iso, 8, 10);
  // The time of day cannot move the date within these ranges; outside them (or a non-digit, NaN), Date.parse decides.
  if (!(year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && digitsAt(iso, 11, 13) <= 23 && digitsAt(iso, 14, 16) <= 59 && digitsAt(iso, 17, 19) <= 59 && digitsAt(iso, 20, 23) >= 0)) return undefined;
  // Days from 1970-01-01 to a civil date (H. Hinnant's algorithm, years starting in March).
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Sequence numbers are decimal strings of up to 128 bits: padded to this width they sort as numbers. */
export const SEQUENCE_WIDTH = 48;

/** Pads a Kinesis sequence number so that string comparison is numeric comparison. */
export function padSequence(sequenceNumber: string): string {
  return sequenceNumber.padStart(SEQUENCE_WIDTH, '0');
}

/** Compares two Kinesis sequence numbers (decimal strings, padded or not) numerically: the domain's one comparison. */
export const compareSequence = compareSequenceNumbers;

/** The outcome of applying a company snapshot. */
export type SnapshotOutcome = 'applied' | 'stale';

/**
 * Applies a company snapshot (ARCHITECTURE.md §3): a newer `asOf` replaces the profile and drops
 * the buckets of days before `day(asOf)`, which the snapshot's counts already include; an older or
 * equal one is ignored (replaying a snapshot is therefore a no-op).
 */
export function applySnapshot(
  state: CompanyState,
  profile: CompanyProfile,
  asOf: string,
): { state: CompanyState; outcome: SnapshotOutcome } {
  if (state.asOf !== undefined && Date.parse(asOf) <= Date.parse(state.asOf)) {
    return { state, outcome: 'stale' };
  }
  const firstKeptDay = epochDay(asOf);
  const buckets = Object.fromEntries(Object.entries(state.buckets).filter(([day]) => Number(day) >= firstKeptDay));
  return { state: { ...state, profile, asOf, profileSource: 'snapshot', buckets }, outcome: 'applied' };
}

/** Sets the profile from a tenant-manager lookup, unless the state already has one. */
export function applyLookupProfile(state: CompanyState, profile: CompanyProfile, lookedUpAt: string): CompanyState {
  if (state.profile !== undefined) return state;
  return { ...state, profile, asOf: lookedUpAt, profileSource: 'lookup' };
}

/** A job event as the state transition needs it. */
export interface JobApplication {
  readonly eventTime: string;
  readonly nbJobs: number;
}

/** The rolling counts of a company as of one event. */
export interface JobCounts {
  readonly job30: number;
  readonly job90: number;
  /** False when the event was older than the 90-day window of the newest day: output, not counted. */
  readonly counted: boolean;
}

/**
 * Adds job events, in order, to a company's buckets (ARCHITECTURE.md §3): `nbJobs` goes to the
 * event's UTC day unless that day is more than 89 days before the newest day seen; buckets that
 * fall out of the 90-day window of the newest day are dropped. The buckets are copied once per
 * call, not once per event. With `countsOut`, the counts as of each event are pushed to it.
 */
export function addJobEvents(state: CompanyState, events: readonly JobApplication[], countsOut?: JobCounts[]): CompanyState {
  if (events.length === 0) return state;
  const buckets: Record<number, number> = {};
  for (const day in state.buckets) buckets[day as unknown as number] = state.buckets[day as unknown as number] as number;
  let newestDay = state.newestDay;
  for (const event of events) {
    const day = epochDay(event.eventTime);
    if (newestDay === undefined || day > newestDay) {
      newestDay = day;
      for (const kept in buckets) if (Number(kept) <= newestDay - WINDOW_DAYS) delete buckets[kept as unknown as number];
    }
    const counted = day > newestDay - WINDOW_DAYS;
    if (counted) buckets[day] = (buckets[day] ?? 0) + event.nbJobs;
    if (countsOut !== undefined) countsOut.push(countsAt(state, buckets, day, counted));
  }
  return { ...state, buckets, newestDay };
}

/**
 * The rolling counts of a company as of an event on `eventTime`'s day `D`:
 * `job30 = (D − day(asOf) < 30 ? profile.job30 : 0) + Σ buckets[D−29 … D]`, `job90` alike over 90
 * days. Buckets after `D` (events later in event time, applied earlier) do not count.
 */
export function jobCountsAt(state: CompanyState, eventTime: string): { job30: number; job90: number } {
  const { job30, job90 } = countsAt(state, state.buckets, epochDay(eventTime), true);
  return { job30, job90 };
}

/** {@link jobCountsAt} on day `day`, with `buckets` in place of the state's, for an event that was `counted` or not. */
function countsAt(state: CompanyState, buckets: Readonly<Record<number, number>>, day: number, counted: boolean): JobCounts {
  const profile = state.profile;
  if (profile === undefined || state.asOf === undefined) {
    throw new Error(`job counts need a profile for company ${state.companyID}`);
  }
  let last30 = 0;
  let last90 = 0;
  for (const d in buckets) {
    const age = day - Number(d);
    if (age < 0 || age >= WINDOW_DAYS) continue;
    const count = buckets[d as unknown as number] as number;
    last90 += count;
    if (age < 30) last30 += count;
  }
  const sinceSnapshot = day - epochDay(state.asOf);
  return { job30: (sinceSnapshot < 30 ? profile.job30 : 0) + last30, job90: (sinceSnapshot < 90 ? profile.job90 : 0) + last90, counted };
}

/**
 * Applies job events, in order, to a company that has a profile and returns the counts as of each
 * event (what its enriched record carries).
 */
export function applyJobEvents(state: CompanyState, events: readonly JobApplication[]): { state: CompanyState; counts: JobCounts[] } {
  if (state.profile === undefined) throw new Error(`applying job events needs a profile for company ${state.companyID}`);
  const counts: JobCounts[] = [];
  return { state: addJobEvents(state, events, counts), counts };
}

/** {@link applyJobEvents} for one event. */
export function applyJobEvent(state: CompanyState, event: JobApplication): { state: CompanyState; counts: JobCounts } {
  const applied = applyJobEvents(state, [event]);
  return { state: applied.state, counts: applied.counts[0] as JobCounts };
}

/** The digest an item of the layout before the dedupe window kept for a producer event id. */
export function eventDigest(eventID: string): string {
  return hash('sha256', eventID, 'base64url').slice(0, EVENT_DIGEST_LENGTH);
}

/** Whether `digests` (concatenated fixed-width digests) holds `digest` at a digest boundary. */
function holdsDigest(digests: string, digest: string): boolean {
  for (let at = digests.indexOf(digest); at !== -1; at = digests.indexOf(digest, at + 1)) {
    if (at % EVENT_DIGEST_LENGTH === 0) return true;
  }
  return false;
}

/**
 * Whether a producer event id is among the digests an item of the layout before the dedupe window
 * still holds (see {@link pruneLegacyDigests}). Scans the groups from the newest.
 */
export function hasSeenEvent(state: CompanyState, eventID: string, nowMs: number): boolean {
  const groups = state.recentEventDigests;
  if (groups === undefined || groups.length === 0) return false;
  const digest = eventDigest(eventID);
  for (let i = groups.length - 1; i >= 0; i--) {
    const [expiresAt, digests] = groups[i] as readonly [number, string];
    if (expiresAt <= nowMs) return false; // older groups expired too
    if (holdsDigest(digests, digest)) return true;
  }
  return false;
}

/** How long the layout before the dedupe window remembered an id (its default `dedupe.event.ttl.days`). */
const LEGACY_DIGEST_TTL_MS = 7 * 86_400_000;

/**
 * Drops the producer-id digests that the layout before the dedupe window kept in the company item
 * (`recentEventDigests`, expiring 7 days after the id was applied), keeping only those applied
 * less than `windowMs` ago: they still count for dedupe during the first window after an upgrade
 * (see {@link hasSeenEvent}), and the item shrinks to its new size within one window.
 */
export function pruneLegacyDigests(state: CompanyState, nowMs: number, windowMs: number): CompanyState {
  const groups = state.recentEventDigests;
  if (groups === undefined) return state;
  const live = groups.filter(([expiresAt]) => expiresAt - LEGACY_DIGEST_TTL_MS + windowMs > nowMs);
  if (live.length === groups.length) return state;
  const { recentEventDigests: _dropped, ...rest } = state;
  return live.length === 0 ? rest : { ...rest, recentEventDigests: live };
}

/**
 * The key of a lane's watermarks in company items: `<stream>/<shardId>@<epoch>`, or the bare lane
 * id for a lane of the layout before epochs.
 */
export function watermarkKey(laneId: string, epoch: string | undefined): string {
  return epoch === undefined ? laneId : `${laneId}@${epoch}`;
}

/**
 * The watermarks with the lane's (`key`, see {@link watermarkKey}) advanced to `sequenceNumber`,
 * never moved back, and the watermarks of the lane's other epochs (a recreated stream's old
 * sequence numbers) dropped; the same object when nothing changes.
 */
export function advanceWatermark(watermarks: CompanyState['watermarks'], key: string, sequenceNumber: string): CompanyState['watermarks'] {
  const at = key.indexOf('@');
  const laneId = at === -1 ? key : key.slice(0, at);
  const epochPrefix = `${laneId}@`;
  let stale = false;
  for (const other in watermarks) if (isOtherEpoch(other, key, laneId, epochPrefix)) stale = true;
  const current = watermarks[key];
  const advances = current === undefined || compareSequence(current, sequenceNumber) < 0;
  if (!stale && !advances) return watermarks;
  const next: Record<string, string> = {};
  for (const other in watermarks) if (!isOtherEpoch(other, key, laneId, epochPrefix)) next[other] = watermarks[other] as string;
  next[key] = advances ? padSequence(sequenceNumber) : (current as string);
  return next;
}

/**
 * Whether watermark key `other` is another epoch of the lane whose key is `key` (`laneId` and
 * `epochPrefix` = `${laneId}@` computed from it once; a module function, not a closure per call).
 */
function isOtherEpoch(other: string, key: string, laneId: string, epochPrefix: string): boolean {
  return other !== key && (other === laneId || other.startsWith(epochPrefix));
}

/** Whether the job event at `sequenceNumber` of `laneId` is already applied to this state. */
export function isApplied(state: CompanyState, laneId: string, sequenceNumber: string): boolean {
  const current = state.watermarks[laneId];
  // The watermark is padded, the record's number is not: the comparison ignores leading zeros (no padded copy per call).
  return current !== undefined && compareSequence(current, sequenceNumber) >= 0;
}
