import { hash } from 'node:crypto';
import { DigestTable } from './digest-table';
import type { PendingBatch } from './pending-batch';

/**
 * The identity of a producer event for dedupe: 53 bits of SHA-256 over `companyID` and `eventID`
 * (a duplicate is the same eventID for the same company), as a number, so a window of a million
 * ids takes tens of MB (see {@link DedupeWindow}), not the hundreds a Map of strings would. Two
 * different events of a lane collide with a probability of about n / 2⁵³ per lookup (10⁻¹⁰ with a
 * million ids remembered).
 */
export function eventKeyDigest(companyID: string, eventID: string): number {
  // The digest as a 'binary' (latin1) string, one char per byte: a Buffer per call cost four times the hash.
  const bytes = hash('sha256', `${companyID}\u0000${eventID}`, 'binary');
  // The first 53 bits, big-endian: bytes 0–3, then bytes 4–5 and the top 5 bits of byte 6.
  const high = ((bytes.charCodeAt(0) << 24) | (bytes.charCodeAt(1) << 16) | (bytes.charCodeAt(2) << 8) | bytes.charCodeAt(3)) >>> 0;
  const low = (bytes.charCodeAt(4) << 13) | (bytes.charCodeAt(5) << 5) | (bytes.charCodeAt(6) >> 3);
  return high * 2 ** 21 + low;
}

/**
 * The producer event ids one pending batch applied, as stored for the dedupe window of its lane:
 * written before the batch completes, so that the window survives restarts, cold starts and
 * overlapping processors; derived only from the durable pending batch, so every finisher of the
 * batch writes the same segment.
 */
export interface DedupeSegment {
  /** The pending batch's id: one segment per batch. */
  readonly id: string;
  /** When the batch was computed (epoch ms): its ids are remembered until this + the window. */
  readonly createdAtMs: number;
  readonly digests: readonly number[];
}

/** The dedupe segment of a pending batch (no segment when it applied no producer event id). */
export function dedupeSegmentOf(pending: PendingBatch): DedupeSegment | undefined {
  const digests: number[] = [];
  for (const commit of pending.commits) {
    for (const job of commit.jobs ?? []) if (job.eventID !== undefined) digests.push(eventKeyDigest(commit.companyID, job.eventID));
  }
  return segmentWith(pending, digests);
}

/**
 * {@link dedupeSegmentOf} from digests already computed: those of the batch's jobs that carry an
 * event id, in commit and job order (what planning the batch computed for its duplicate checks).
 */
export function segmentWith(pending: PendingBatch, digests: readonly number[]): DedupeSegment | undefined {
  return digests.length === 0 ? undefined : { id: pending.id, createdAtMs: Date.parse(pending.createdAt), digests };
}

/**
 * The producer event ids applied on a lane within the last `windowMs` (`dedupe.window.minutes`),
 * in memory. An id is skipped as a duplicate if the batch that applied it was computed less than
 * the window ago: exactly within the window, whatever the company's rate (an id may be remembered
 * up to one batch longer). Memory: 8 bytes per remembered id in its segment, and 24–48 in the
 * table of digests (12 bytes per slot, a quarter to a half of the slots used).
 */
export class DedupeWindow {
  /** Digest → ordinal of the newest segment that applied it (typed arrays, see {@link DigestTable}). */
  private readonly appliedBy = new DigestTable();
  /** Segment ordinal → when its batch was computed (epoch ms). */
  private readonly createdAtMs = new Map<number, number>();
  /** The ids of the segments held (`add` is idempotent). */
  private readonly segmentIds = new Set<string>();
  /**
   * The segments held with their ordinals, by `createdAtMs` (oldest first; equal times in the order
   * added): expiry takes a prefix, not a scan of every segment per batch. Segments mostly come in
   * time order (a lane's own batches), so an insertion is almost always an append.
   */
  private readonly byAge: { readonly segment: DedupeSegment; readonly ordinal: number }[] = [];
  private nextOrdinal = 0;

  constructor(private readonly windowMs: number) {}

  /** Whether the event was applied within the window before `nowMs`. */
  has(digest: number, nowMs: number): boolean {
    const ordinal = this.appliedBy.get(digest);
    const at = ordinal === undefined ? undefined : this.createdAtMs.get(ordinal);
    return at !== undefined && at + this.windowMs > nowMs;
  }

  /** Adds a segment (idempotent). */
  add(segment: DedupeSegment): void {
    if (this.segmentIds.has(segment.id)) return;
    const ordinal = this.nextOrdinal++;
    this.segmentIds.add(segment.id);
    let at = this.byAge.length;
    while (at > 0 && (this.byAge[at - 1] as (typeof this.byAge)[number]).segment.createdAtMs > segment.createdAtMs) at -= 1;
    this.byAge.splice(at, 0, { segment, ordinal });
    this.createdAtMs.set(ordinal, segment.createdAtMs);
    for (const digest of segment.digests) {
      const by = this.appliedBy.get(digest);
      if (by === undefined || (this.createdAtMs.get(by) ?? -Infinity) < segment.createdAtMs) this.appliedBy.set(digest, ordinal);
    }
  }

  /** Forgets the segments that left the window (they can no longer make anything a duplicate). */
  expire(nowMs: number): void {
    let expired = 0;
    for (const { segment, ordinal } of this.byAge) {
      if (segment.createdAtMs + this.windowMs > nowMs) break;
      expired += 1;
      this.segmentIds.delete(segment.id);
      this.createdAtMs.delete(ordinal);
      for (const digest of segment.digests) {
        if (this.appliedBy.get(digest) === ordinal) this.appliedBy.delete(digest);
      }
    }
    if (expired > 0) this.byAge.splice(0, expired);
  }

  /** Ids remembered (for metrics and tests). */
  get size(): number {
    return this.appliedBy.size;
  }
}
