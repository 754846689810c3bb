import { sleep } from '@tenant-analytics/domain';
import { build as buildHistogram, type Histogram } from 'hdr-histogram-js';
import { z } from 'zod';
import type { LatencySample } from '../sustainability';

/** Latency percentiles (ms) from an HDR histogram (3 significant digits). */
export interface LatencyPercentiles {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

const sentEventSchema = z.object({ eventID: z.string().min(1), sentAt: z.iso.datetime({ offset: true }) });

/** The identity and scheduled send time of a record the producer sent: a job event or an enriched record. */
export interface SentEvent {
  readonly eventID: string;
  /** The producer run it belongs to (`eventID` is `<runId>-<n>`). */
  readonly runId: string;
  readonly sentAtMs: number;
}

const utf8 = new TextDecoder();

/** Reads `eventID` and `sentAt` from a record's JSON; undefined for anything else. */
export function readSentEvent(data: Uint8Array): SentEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(data));
  } catch {
    return undefined; // not one of ours (CSV, a foreign record): not measured
  }
  const decoded = sentEventSchema.safeParse(json);
  if (!decoded.success) return undefined;
  const { eventID, sentAt } = decoded.data;
  const dash = eventID.lastIndexOf('-');
  return { eventID, runId: dash > 0 ? eventID.slice(0, dash) : eventID, sentAtMs: Date.parse(sentAt) };
}

/**
 * Collects one step's events as they come out: distinct events (outputs are at-least-once), the
 * latency of each from its scheduled send time, and an HDR histogram of it.
 */
export class StepCollector {
  private readonly seen = new Set<string>();
  private readonly histogram: Histogram = buildHistogram({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3, autoResize: true });
  readonly samples: LatencySample[] = [];

  constructor(
    readonly runId: string,
    readonly expected: number,
  ) {}

  /** Distinct events seen. */
  get delivered(): number {
    return this.seen.size;
  }

  /** Records an event's first appearance; repeats are ignored. */
  record(event: SentEvent, observedAtMs: number): void {
    if (this.seen.has(event.eventID)) return;
    this.seen.add(event.eventID);
    const latencyMs = Math.max(0, observedAtMs - event.sentAtMs);
    this.samples.push({ sentAtMs: event.sentAtMs, latencyMs });
    this.histogram.recordValue(Math.max(1, Math.round(latencyMs)));
  }

  latency(): LatencyPercentiles {
    const { histogram } = this;
    return { count: histogram.totalCount, p50: histogram.getValueAtPercentile(50), p99: histogram.getValueAtPercentile(99), max: histogram.maxValue };
  }

  /**
   * Waits until every expected event came out, or until nothing new arrived for `stallMs`, or
   * `timeoutMs` passed. Resolves whether all came out.
   */
  async waitForAll(timeoutMs: number, stallMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let lastCount = this.delivered;
    let lastProgressMs = Date.now();
    while (this.delivered < this.expected && Date.now() < deadline && Date.now() - lastProgressMs < stallMs) {
      await sleep(50);
      if (this.delivered > lastCount) {
        lastCount = this.delivered;
        lastProgressMs = Date.now();
      }
    }
    return this.delivered >= this.expected;
  }
}
