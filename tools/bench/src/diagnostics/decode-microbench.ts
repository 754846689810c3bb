import { decodeJobEvent, decodeJobEventBySchema, type DecodeContext, type DecodeResult, type DecodedJobEvent } from '@tenant-analytics/domain';
import { companyIdsUpTo, createJobEventGenerator, type JobEventGeneratorOptions } from '@tenant-analytics/job-producer';
import { summarize } from '../statistics';
import { formatInteger, formatRatio, type Table } from '../table';

// A micro-benchmark of the job decoder alone: its fast path (decodeJobEvent) against the schema
// path it falls back to (decodeJobEventBySchema), over the same records in the same process,
// rounds alternating. Ratios measured this way hold on a loaded machine better than absolute
// figures; it is not part of `npm run bench`.

type Decoder = (data: Uint8Array, ctx: DecodeContext) => DecodeResult<DecodedJobEvent>;

/** One set of records to decode, described for the report. */
export interface DecodeRecordSet {
  readonly name: string;
  readonly records: readonly Uint8Array[];
}

/** How big the sets and how many rounds. */
export interface DecodeMicrobenchOptions {
  /** Records per set. @default 10_000 */
  readonly records: number;
  /** Measured rounds per path (each decodes every record of a set once). @default 15 */
  readonly rounds: number;
  /** Unmeasured rounds per path first (JIT). @default 5 */
  readonly warmupRounds: number;
  /** The decoders' clock; the records are dated just before it. */
  readonly now: Date;
}

/** The figures of one set. */
export interface DecodeSetResult {
  readonly name: string;
  readonly records: number;
  /** Records each path accepted (the same for both, or the benchmark throws). */
  readonly valid: number;
  /** Median over the rounds, nanoseconds per record. */
  readonly fastNsPerRecord: number;
  readonly schemaNsPerRecord: number;
  /** Median of the per-round ratios schema / fast (each from two adjacent rounds). */
  readonly speedup: number;
}

export const DEFAULT_DECODE_MICROBENCH_OPTIONS: Omit<DecodeMicrobenchOptions, 'now'> = { records: 10_000, rounds: 15, warmupRounds: 5 };

function generatedRecords(count: number, now: Date, options: Partial<JobEventGeneratorOptions>): Uint8Array[] {
  const next = createJobEventGenerator({ companyIds: companyIdsUpTo(10_000), runId: 'bench-7', seed: 7, ...options });
  const firstMs = now.getTime() - count - 1_000;
  return Array.from({ length: count }, (_, index) => next(firstMs + index).data);
}

/**
 * The sets measured: scenario 1's records (the producer's JSON with `eventID` and `sentAt`, all
 * valid), the producer's mix of 10 % bad records, 20 % out of order and 5 % re-sent, and valid CSV
 * (which always takes the schema path: the fast path's overhead on it).
 */
export function decodeRecordSets(count: number, now: Date): DecodeRecordSet[] {
  return [
    { name: 'valid JSON (scenario 1 records)', records: generatedRecords(count, now, {}) },
    { name: 'JSON mix: 10 % bad, 20 % out of order, 5 % re-sent', records: generatedRecords(count, now, { invalidRatio: 0.1, outOfOrderRatio: 0.2, duplicateRatio: 0.05 }) },
    { name: 'valid CSV (schema path only)', records: generatedRecords(count, now, { format: 'csv' }) },
  ];
}

/** Decodes every record once; returns elapsed nanoseconds and how many were valid. */
function timeRound(decode: Decoder, records: readonly Uint8Array[], ctx: DecodeContext): { ns: number; valid: number } {
  let valid = 0;
  const started = process.hrtime.bigint();
  for (const data of records) {
    if (decode(data, ctx).ok) valid += 1;
  }
  return { ns: Number(process.hrtime.bigint() - started), valid };
}

/** Measures both paths on one set, rounds alternating so that load changes hit both alike. */
export function measureDecodeSet(set: DecodeRecordSet, options: DecodeMicrobenchOptions): DecodeSetResult {
  const ctx: DecodeContext = { arrivalTime: options.now, now: options.now };
  for (let round = 0; round < options.warmupRounds; round++) {
    timeRound(decodeJobEvent, set.records, ctx);
    timeRound(decodeJobEventBySchema, set.records, ctx);
  }
  const fastNs: number[] = [];
  const schemaNs: number[] = [];
  const ratios: number[] = [];
  let valid = 0;
  for (let round = 0; round < options.rounds; round++) {
    const fast = timeRound(decodeJobEvent, set.records, ctx);
    const schema = timeRound(decodeJobEventBySchema, set.records, ctx);
    if (fast.valid !== schema.valid) {
      throw new Error(`the fast path accepted ${fast.valid} records of "${set.name}", the schema path ${schema.valid}`);
    }
    valid = fast.valid;
    fastNs.push(fast.ns / set.records.length);
    schemaNs.push(schema.ns / set.records.length);
    ratios.push(schema.ns / fast.ns);
  }
  return {
    name: set.name,
    records: set.records.length,
    valid,
    fastNsPerRecord: summarize(fastNs).median,
    schemaNsPerRecord: summarize(schemaNs).median,
    speedup: summarize(ratios).median,
  };
}

/** The results as a table: one row per set. */
export function decodeMicrobenchTable(results: readonly DecodeSetResult[]): Table {
  return {
    columns: [
      { title: 'records' },
      { title: 'valid', align: 'right' },
      { title: 'fast path, ns/record', align: 'right' },
      { title: 'schema path, ns/record', align: 'right' },
      { title: 'schema / fast', align: 'right' },
    ],
    rows: results.map((result) => [
      result.name,
      `${formatInteger(result.valid)} of ${formatInteger(result.records)}`,
      formatInteger(result.fastNsPerRecord),
      formatInteger(result.schemaNsPerRecord),
      formatRatio(result.speedup),
    ]),
  };
}
