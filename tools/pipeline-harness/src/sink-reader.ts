import { gunzipSync } from 'node:zlib';
import { ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, ListObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { deadLetterSchema, enrichedCompanySchema, mapLimited, sleep, type DeadLetter, type EnrichedCompany } from '@tenant-analytics/domain';
import { LOCAL_SINK_PREFIXES, type LocalEndpoints } from '@tenant-analytics/local-stack';
import { followShard } from './shard-follower';

/**
 * Reads back what the pipeline produced, at any volume (the readers behind
 * `LocalPipelineProbe.enrichedInS3`, `.deadLetters` and `.enrichedOnStream`). S3 is listed with
 * ListObjects (v1), paged by marker: s3rver 3.7.1 makes ListObjectsV2 continuation tokens with DES,
 * which Node 17+ (OpenSSL 3) refuses, so any V2 listing of more than 1,000 keys fails with
 * InternalError. kinesalite always reports MillisBehindLatest 0, so a stream is read until a page
 * comes back empty.
 */

/** The S3 client and bucket the S3 readers use (a `LocalPipelineProbe` has both). */
export interface S3SinkSource {
  readonly s3: S3Client;
  readonly endpoints: Pick<LocalEndpoints, 'bucket'>;
}

/** The Kinesis client and output stream the stream reader uses (a `LocalPipelineProbe` has both). */
export interface OutputStreamSource {
  readonly kinesis: KinesisClient;
  readonly endpoints: { readonly streams: Pick<LocalEndpoints['streams'], 'enriched'> };
}

/** Objects fetched at once. */
const FETCH_CONCURRENCY = 8;
/** Records per GetRecords call. */
const STREAM_PAGE = 1_000;

/** Every key under `prefix`, in key order, however many there are. */
export async function listKeys(probe: S3SinkSource, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for (;;) {
    const marker = keys.at(-1);
    const page = await probe.s3.send(new ListObjectsCommand({ Bucket: probe.endpoints.bucket, Prefix: prefix, ...(marker === undefined ? {} : { Marker: marker }) }));
    for (const { Key } of page.Contents ?? []) if (Key !== undefined) keys.push(Key);
    if (page.IsTruncated !== true || (page.Contents ?? []).length === 0) return keys;
  }
}

/** Reads of an object, before its error counts (see `fetchAll`). */
const READ_ATTEMPTS = 10;
/** Between two reads of one object. */
const READ_RETRY_DELAY_MS = 200;

/**
 * Every object under `prefix`, decoded. s3rver lists an object while it is still writing its file,
 * and writes an object again in place (a processor that finishes a pending batch again after a
 * crash publishes its objects again), so a read that races a write can fail: the response is cut
 * short ('aborted': its Content-Length comes from a stat taken before the file was truncated) or
 * the body comes back truncated (a gzip that ends early). A read that fails, in the request or in
 * decoding, is made again (200 ms apart, ten reads) before its error counts. Against a back-to-back
 * rewriter 7–20 % of reads failed, so ten in a row fail less than once in ten million reads (the
 * integration test reads under such a rewriter). S3 itself replaces an object at once: this only
 * matters against the emulator.
 */
async function fetchAll<T>(probe: S3SinkSource, prefix: string, decode: (body: Buffer) => T): Promise<T[]> {
  const keys = await listKeys(probe, prefix);
  return mapLimited(keys, FETCH_CONCURRENCY, async (key) => {
    for (let attempt = 1; ; attempt++) {
      try {
        const object = await probe.s3.send(new GetObjectCommand({ Bucket: probe.endpoints.bucket, Key: key }));
        return decode(Buffer.from((await object.Body?.transformToByteArray()) ?? []));
      } catch (error) {
        if (attempt >= READ_ATTEMPTS) throw error;
        await sleep(READ_RETRY_DELAY_MS);
      }
    }
  });
}

/** Every enriched record in the S3 sink (`churn/data/`, {@link LOCAL_SINK_PREFIXES}; gzip JSON Lines). */
export async function readEnrichedInS3(probe: S3SinkSource): Promise<EnrichedCompany[]> {
  const objects = await fetchAll(probe, `${LOCAL_SINK_PREFIXES.enriched}/`, (body) =>
    gunzipSync(body)
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => enrichedCompanySchema.parse(JSON.parse(line))),
  );
  return objects.flat();
}

/** Every dead letter (`dead-letters/`, one JSON object each). */
export async function readDeadLetters(probe: S3SinkSource): Promise<DeadLetter[]> {
  return fetchAll(probe, `${LOCAL_SINK_PREFIXES.deadLetters}/`, (body) => deadLetterSchema.parse(JSON.parse(body.toString('utf8'))));
}

/** Every record of the output stream, all shards from TRIM_HORIZON, repeats included. */
export async function readOutputStream(probe: OutputStreamSource): Promise<EnrichedCompany[]> {
  const stream = probe.endpoints.streams.enriched;
  const records: EnrichedCompany[] = [];
  const shards = (await probe.kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
  for (const { ShardId: shardId = '' } of shards) {
    await followShard({
      kinesis: probe.kinesis,
      stream,
      shardId,
      limit: STREAM_PAGE,
      until: 'caught-up',
      onRecords: (page) => {
        for (const record of page) records.push(enrichedCompanySchema.parse(JSON.parse(Buffer.from(record.Data ?? []).toString('utf8'))));
      },
    });
  }
  return records;
}
