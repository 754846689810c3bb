import type { KinesisShardReader } from '../adapters/kinesis-shard-reader';
import type { ShardRangeReader } from '../core/batch-processor';
import { compareSequence } from '../core/company-state';
import type { InputRecord } from '../core/ports';

/** Records per GetRecords call when the replay tool reads a range. */
const PAGE_RECORDS = 10_000;

/**
 * Reads a range of one shard from Kinesis: from the shard's start or after a sequence number, up
 * to a bound (`through` inclusive, `before` exclusive) or the end of what the shard holds. Records
 * past the stream's retention are gone: the range then starts at the oldest record kept.
 */
export function kinesisRangeReader(reader: KinesisShardReader, stream: string, shardId: string): ShardRangeReader {
  return async ({ after, through, before }) => {
    let iterator = await reader.iterator(stream, shardId, after === undefined ? { type: 'TRIM_HORIZON' } : { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: after });
    const records: InputRecord[] = [];
    for (;;) {
      const page = await reader.read(stream, shardId, iterator, PAGE_RECORDS);
      for (const record of page.records) {
        if (through !== undefined && compareSequence(record.sequenceNumber, through) > 0) return records;
        if (before !== undefined && compareSequence(record.sequenceNumber, before) >= 0) return records;
        records.push(record);
      }
      if (page.nextIterator === undefined || (page.records.length === 0 && page.millisBehindLatest === 0)) return records;
      iterator = page.nextIterator;
    }
  };
}
