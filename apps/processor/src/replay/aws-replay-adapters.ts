import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { putRecordsReliably } from '@tenant-analytics/kinesis-writer';
import { S3ObjectSink } from '../adapters/s3-object-sink';
import type { DeadLetterArchive, RecordResender } from './dead-letter-replay';

/** The dead-letter prefix in S3 (or s3rver): listing, reading, and writing outputs and markers. */
export class S3DeadLetterArchive extends S3ObjectSink implements DeadLetterArchive {
  constructor(private readonly s3: S3Client) {
    super(s3);
  }

  async listKeys(bucket: string, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token === undefined ? {} : { ContinuationToken: token }) }));
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys.sort();
  }

  async get(bucket: string, key: string): Promise<Uint8Array | undefined> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return object.Body === undefined ? undefined : await object.Body.transformToByteArray();
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }
}

/** Kinesis PutRecords with the retries of every writer of this repository. */
export class KinesisRecordResender implements RecordResender {
  constructor(private readonly kinesis: KinesisClient) {}

  async resend(stream: string, records: readonly { readonly partitionKey: string; readonly data: Uint8Array }[]): Promise<void> {
    await putRecordsReliably(this.kinesis, stream, records.map(({ partitionKey, data }) => ({ partitionKey, data })));
  }
}
