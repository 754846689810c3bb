import type { Company, EnrichedCompany } from '@tenant-analytics/domain';
import { seedChurnRule } from '@tenant-analytics/domain';
import type { CompanyState } from '../core/company-state';
import type { DedupeSegment } from '../core/dedupe-window';
import { LaneConflictError } from '../core/errors';
import type { PendingBatch } from '../core/pending-batch';
import type {
  ChurnFeaturesWithId,
  ChurnScorer,
  ChurnVerdict,
  Clock,
  CompanyStateStore,
  CompleteOptions,
  DeferredBatches,
  FailedBatch,
  LaneState,
  LaneStore,
  SkippedRange,
  Logger,
  ObjectSink,
  SerializedEnriched,
  StreamSink,
  TenantDirectory,
  TenantLookup,
} from '../core/ports';

/**
 * In-memory implementations of the core's ports, for unit tests and the CPU benchmark. They keep
 * the semantics that matter (compare-and-set versions, lane conflicts, overwrite on same key).
 * Stored values are shared, not copied, and frozen: the core treats state as immutable, and a core
 * that mutated a stored value would throw here instead of passing by accident.
 */

/** Freezes a value and the objects directly inside it (enough to catch a core that mutates state). */
function freezeTwoLevels<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const nested of Object.values(value)) if (nested !== null && typeof nested === 'object') Object.freeze(nested);
    Object.freeze(value);
  }
  return value;
}

export class InMemoryCompanyStateStore implements CompanyStateStore {
  readonly items = new Map<string, CompanyState>();

  async getMany(companyIDs: readonly string[]): Promise<Map<string, CompanyState>> {
    const found = new Map<string, CompanyState>();
    for (const id of companyIDs) {
      const item = this.items.get(id);
      if (item !== undefined) found.set(id, item);
    }
    return found;
  }

  async put(next: CompanyState): Promise<boolean> {
    const current = this.items.get(next.companyID)?.version ?? 0;
    if (current !== next.version - 1) return false;
    this.items.set(next.companyID, freezeTwoLevels(next));
    return true;
  }
}

export class InMemoryLaneStore implements LaneStore {
  readonly lanes = new Map<string, LaneState>();
  /** Dedupe segments by lane, in the order written. */
  readonly dedupeSegments = new Map<string, Map<string, DedupeSegment>>();
  /** Bodies of deferred batches by ref (kept, like the chunks a real store leaves to their TTL). */
  private readonly bodies = new Map<string, PendingBatch>();
  private bodyCount = 0;

  /**
   * @param options.keepCompactedBodies - false drops a body once it leaves its lane's deferred list
   * (a long benchmark would otherwise hold every batch it ran in memory, where a real store holds
   * them in the table); true, the default, keeps them, as the TTL does, for a stale processor to read.
   */
  constructor(private readonly options: { readonly keepCompactedBodies?: boolean } = {}) {}

  async get(laneId: string): Promise<LaneState> {
    return this.lanes.get(laneId) ?? { laneId, version: 0 };
  }

  async putPending(laneId: string, pending: PendingBatch, expectedVersion: number): Promise<number> {
    const lane = this.fenced(laneId, expectedVersion);
    if (lane.pending !== undefined) throw new LaneConflictError(laneId);
    const epoch = lane.epoch ?? pending.epoch;
    return this.write({ ...lane, pending: Object.freeze(pending), ...(epoch === undefined ? {} : { epoch }) });
  }

  async complete(laneId: string, pendingId: string, checkpoint: string, expectedVersion: number, options: CompleteOptions = {}): Promise<number> {
    const lane = this.fenced(laneId, expectedVersion);
    if (lane.pending?.id !== pendingId) throw new LaneConflictError(laneId);
    let deferred: DeferredBatches | undefined;
    if (options.defer === true) {
      const ref = `${pendingId}@${++this.bodyCount}`;
      this.bodies.set(ref, lane.pending);
      const compacted = options.compacted?.count ?? 0;
      if (compacted > (lane.deferred?.refs.length ?? 0)) throw new Error(`lane ${laneId} lists ${lane.deferred?.refs.length ?? 0} deferred batches, not ${compacted}`);
      const kept = (lane.deferred?.refs ?? []).slice(compacted);
      const since = compacted > 0 ? (options.compacted?.since ?? lane.pending.createdAt) : (lane.deferred?.since ?? lane.pending.createdAt);
      deferred = { refs: [...kept, ref], since: kept.length === 0 ? lane.pending.createdAt : since, ...(options.sweep === undefined ? {} : { sweep: { ...options.sweep } }) };
    }
    this.forgetUnlisted(lane.deferred, deferred);
    const failed = options.settle === undefined ? lane.failed : undefined;
    const skipped = options.settle?.skipped === undefined ? lane.skipped : [...(lane.skipped ?? []), options.settle.skipped];
    return this.write({
      laneId,
      checkpoint,
      version: lane.version,
      ...(lane.epoch === undefined ? {} : { epoch: lane.epoch }),
      ...(deferred === undefined ? {} : { deferred }),
      ...(failed === undefined ? {} : { failed }),
      ...(skipped === undefined || skipped.length === 0 ? {} : { skipped }),
    });
  }

  async noteFailure(laneId: string, failed: FailedBatch, expectedVersion: number): Promise<number> {
    const lane = this.fenced(laneId, expectedVersion);
    if (lane.pending !== undefined) throw new LaneConflictError(laneId);
    return this.write({ ...lane, failed: Object.freeze({ ...failed }) });
  }

  async resolveSkipped(laneId: string, range: SkippedRange, expectedVersion: number): Promise<number> {
    const lane = this.fenced(laneId, expectedVersion);
    const skipped = (lane.skipped ?? []).filter((entry) => entry.after !== range.after || entry.before !== range.before);
    const { skipped: _old, ...rest } = lane;
    return this.write({ ...rest, ...(skipped.length === 0 ? {} : { skipped }) });
  }

  async compacted(laneId: string, expectedVersion: number): Promise<number> {
    const lane = this.fenced(laneId, expectedVersion);
    if (lane.pending !== undefined) throw new LaneConflictError(laneId);
    const { deferred: _compacted, ...rest } = lane;
    this.forgetUnlisted(lane.deferred, undefined);
    return this.write(rest);
  }

  /** Bodies held (all ever deferred, or only the listed ones with `keepCompactedBodies: false`). */
  get heldBodies(): number {
    return this.bodies.size;
  }

  /** With `keepCompactedBodies: false`, drops the bodies a lane's list no longer names. */
  private forgetUnlisted(before: DeferredBatches | undefined, after: DeferredBatches | undefined): void {
    if (this.options.keepCompactedBodies !== false || before === undefined) return;
    const listed = new Set(after?.refs ?? []);
    for (const ref of before.refs) if (!listed.has(ref)) this.bodies.delete(ref);
  }

  async loadDeferred(_laneId: string, deferred: DeferredBatches): Promise<PendingBatch[]> {
    return deferred.refs.map((ref) => {
      const body = this.bodies.get(ref);
      if (body === undefined) throw new Error(`no deferred batch ${ref}`);
      return body;
    });
  }

  async advance(laneId: string, checkpoint: string, expectedVersion: number): Promise<number> {
    const lane = this.fenced(laneId, expectedVersion);
    if (lane.pending !== undefined) throw new LaneConflictError(laneId);
    return this.write({ ...lane, checkpoint });
  }

  async putDedupeSegment(laneId: string, segment: DedupeSegment): Promise<void> {
    const segments = this.dedupeSegments.get(laneId) ?? new Map<string, DedupeSegment>();
    segments.set(segment.id, Object.freeze(segment));
    this.dedupeSegments.set(laneId, segments);
  }

  async loadDedupeSegments(laneIds: readonly string[], sinceMs: number): Promise<DedupeSegment[]> {
    return laneIds
      .flatMap((laneId) => [...(this.dedupeSegments.get(laneId)?.values() ?? [])])
      .filter((segment) => segment.createdAtMs >= sinceMs)
      .sort((a, b) => a.createdAtMs - b.createdAtMs);
  }

  /** The lane, if it is still at `expectedVersion` (the conditional part of every write). */
  private fenced(laneId: string, expectedVersion: number): LaneState {
    const lane = this.lanes.get(laneId) ?? { laneId, version: 0 };
    if (lane.version !== expectedVersion) throw new LaneConflictError(laneId);
    return lane;
  }

  private write(lane: LaneState): number {
    const version = lane.version + 1;
    this.lanes.set(lane.laneId, { ...lane, version });
    return version;
  }
}

export class InMemoryObjectSink implements ObjectSink {
  readonly objects = new Map<string, { body: Uint8Array; contentType: string; contentEncoding?: string }>();
  puts = 0;

  async put(bucket: string, key: string, body: Uint8Array, contentType: string, contentEncoding?: string): Promise<void> {
    this.puts += 1;
    this.objects.set(`${bucket}/${key}`, { body: new Uint8Array(body), contentType, ...(contentEncoding === undefined ? {} : { contentEncoding }) });
  }
}

export class InMemoryStreamSink implements StreamSink {
  readonly records: EnrichedCompany[] = [];

  async putRecords(records: readonly SerializedEnriched[]): Promise<void> {
    for (const { record } of records) this.records.push(record);
  }
}

/** A tenant directory over a fixed set of companies; unknown ids answer "not found". */
export class InMemoryTenantDirectory implements TenantDirectory {
  calls = 0;
  constructor(private readonly companies: ReadonlyMap<string, Company>) {}

  async lookup(companyID: string): Promise<TenantLookup> {
    this.calls += 1;
    const company = this.companies.get(companyID);
    return company === undefined ? { found: false } : { found: true, company };
  }
}

/** An in-process scorer: the seed's rule, with a probability of 0.9 or 0.1. */
export class RuleChurnScorer implements ChurnScorer {
  calls = 0;
  constructor(readonly maxBatchSize = 1000) {}

  async score(companies: readonly ChurnFeaturesWithId[]): Promise<ChurnVerdict[]> {
    this.calls += 1;
    return companies.map((company) => {
      const churn = seedChurnRule(company);
      return { churn, probability: churn ? 0.9 : 0.1 };
    });
  }
}

/** A clock that tests move by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** A logger that drops everything (or keeps it, for assertions). */
export class MemoryLogger implements Logger {
  constructor(readonly lines: { level: string; message: string; fields: Record<string, unknown> }[] = [], private readonly bindings: Record<string, unknown> = {}) {}
  debug(message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'debug', message, fields: { ...this.bindings, ...fields } });
  }
  info(message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'info', message, fields: { ...this.bindings, ...fields } });
  }
  warn(message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'warn', message, fields: { ...this.bindings, ...fields } });
  }
  error(message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'error', message, fields: { ...this.bindings, ...fields } });
  }
  child(bindings: Record<string, unknown>): Logger {
    return new MemoryLogger(this.lines, { ...this.bindings, ...bindings });
  }
}
