import { gzipSync } from 'node:zlib';
import type { DeadLetter, EnrichedCompany } from '@tenant-analytics/domain';
import type { PendingBatch } from './pending-batch';
import type { SerializedEnriched } from './ports';

/** An S3 object to write: key relative to the bucket, bytes, and content headers. */
export interface OutputFile {
  readonly key: string;
  readonly body: Uint8Array;
  readonly contentType: string;
  readonly contentEncoding?: string;
}

function joinKey(...parts: string[]): string {
  return parts
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part.length > 0)
    .join('/');
}

const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** `YYYY-MM-DDTHH` of an ISO timestamp (UTC): its hour partition. */
function utcHourOf(isoTime: string): string {
  // Decoded times are already canonical (`toISOString()`); anything else is normalized first.
  return (CANONICAL_UTC.test(isoTime) ? isoTime : new Date(isoTime).toISOString()).slice(0, 13);
}

/** `dt=YYYY-MM-DD` and `hour=HH` of an ISO timestamp (UTC). */
function partitionOf(isoTime: string): { dt: string; hour: string } {
  return partitionOfHour(utcHourOf(isoTime));
}

function partitionOfHour(utcHour: string): { dt: string; hour: string } {
  return { dt: utcHour.slice(0, 10), hour: utcHour.slice(11, 13) };
}

/** The largest scratch buffer kept between objects (a 1,000-record batch needs about 1.5 MB). */
const MAX_SCRATCH_BYTES = 8 * 1024 * 1024;
let scratch = Buffer.allocUnsafe(0);

/** The shared scratch buffer, grown to at least `bytes`. */
function scratchOf(bytes: number): Buffer {
  if (scratch.length < bytes) scratch = Buffer.allocUnsafe(Math.min(MAX_SCRATCH_BYTES, Math.max(bytes, 2 * scratch.length)));
  return scratch;
}

/**
 * JSON Lines as UTF-8 bytes: each line encoded straight into one buffer. Joining the lines into
 * one string first and encoding that cost twice as much (a 500 KB string built, flattened, then
 * encoded), more than the gzip that follows. With `reuseScratch` the bytes are written into a
 * buffer shared by every such call, valid only until the next one: for a caller that consumes them
 * at once (gzip), so that each object does not allocate a fresh buffer of three times its text.
 */
export function jsonLinesBytes(lines: readonly string[], options: { readonly reuseScratch?: boolean } = {}): Buffer {
  let units = 0;
  for (const line of lines) units += line.length + 1;
  // A UTF-16 code unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4 bytes).
  const bound = units * 3;
  const bytes = options.reuseScratch === true && bound <= MAX_SCRATCH_BYTES ? scratchOf(bound) : Buffer.allocUnsafe(bound);
  let length = 0;
  for (const line of lines) {
    length += bytes.write(line, length, 'utf8');
    bytes[length++] = 0x0a;
  }
  return bytes.subarray(0, length);
}

/** Enriched records with their JSON text, serialized once for every output. */
export function serializeEnriched(records: readonly EnrichedCompany[]): SerializedEnriched[] {
  return records.map((record) => ({ record, json: JSON.stringify(record) }));
}

/**
 * The enriched output files of a pending batch: one gzip JSON Lines object per event-time hour, at
 * `<prefix>/dt=YYYY-MM-DD/hour=HH/<stream>-<shardId>-<firstSeq>-<lastSeq>.jsonl.gz`, records in
 * sequence order. Key and bytes depend only on the batch, so a replay overwrites the same object
 * with the same content (gzip with no timestamp is deterministic).
 */
export function enrichedFiles(batch: PendingBatch, prefix: string, serialized: readonly SerializedEnriched[] = serializeEnriched(batch.enriched)): OutputFile[] {
  // Grouped by the event time's `YYYY-MM-DDTHH` (the key is built once per hour, not per record).
  const byHour = new Map<string, string[]>();
  for (const { record, json } of serialized) {
    const hour = utcHourOf(record.eventTime);
    const lines = byHour.get(hour);
    if (lines === undefined) byHour.set(hour, [json]);
    else lines.push(json);
  }
  const name = `${batch.stream}-${batch.shardId}-${batch.firstSequenceNumber}-${batch.lastSequenceNumber}.jsonl.gz`;
  return [...byHour.entries()].map(([utcHour, lines]) => {
    const { dt, hour } = partitionOfHour(utcHour);
    return {
      key: joinKey(prefix, `dt=${dt}`, `hour=${hour}`, name),
      // gzipSync has read the scratch when it returns: nothing else can write it in between.
      body: gzipSync(jsonLinesBytes(lines, { reuseScratch: true })),
      contentType: 'application/x-ndjson',
      contentEncoding: 'gzip',
    };
  });
}

/** The key of a dead letter: `<prefix>/dt=<arrival date>/<stream>-<shardId>-<sequenceNumber>.json`. */
export function deadLetterKey(deadLetter: DeadLetter, prefix: string): string {
  const { record } = deadLetter;
  return joinKey(prefix, `dt=${partitionOf(record.arrivalTime).dt}`, `${record.stream}-${record.shardId}-${record.sequenceNumber}.json`);
}

/** One JSON object per dead letter, keyed by its source position (a replay overwrites it). */
export function deadLetterFiles(batch: PendingBatch, prefix: string): OutputFile[] {
  return batch.deadLetters.map((deadLetter) => ({
    key: deadLetterKey(deadLetter, prefix),
    body: Buffer.from(JSON.stringify(deadLetter, null, 2)),
    contentType: 'application/json',
  }));
}

/**
 * The object of one record enriched by the replay tool (a `score-failed` dead letter scored after
 * the fact): `<prefix>/dt=YYYY-MM-DD/hour=HH/replay-<stream>-<shardId>-<sequenceNumber>.jsonl.gz`,
 * beside the pipeline's objects of that hour. Keyed by the record's source position, so replaying
 * the dead letter again overwrites it: one copy of the record in S3 whatever happens.
 */
export function replayedEnrichedFile(serialized: SerializedEnriched, prefix: string): OutputFile {
  const { record } = serialized;
  const { dt, hour } = partitionOf(record.eventTime);
  const { stream, shardId, sequenceNumber } = record.source;
  return {
    key: joinKey(prefix, `dt=${dt}`, `hour=${hour}`, `replay-${stream}-${shardId}-${sequenceNumber}.jsonl.gz`),
    body: gzipSync(`${serialized.json}\n`),
    contentType: 'application/x-ndjson',
    contentEncoding: 'gzip',
  };
}
