import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { putRecordsReliably } from '@tenant-analytics/kinesis-writer';
import { DependencyUnavailableError } from '../core/errors';
import { METRIC, type Metrics, type SerializedEnriched, type StreamSink } from '../core/ports';

/**
 * The `enrichedcompanies` stream: one JSON record per enriched event, partition key companyID.
 * Rejected entries are retried alone (throttling backoff); what is still rejected fails the batch,
 * which is then published again (at-least-once: consumers dedupe on `eventID`).
 */
export class KinesisEnrichedStream implements StreamSink {
  constructor(
    private readonly client: KinesisClient,
    private readonly streamName: string,
    private readonly metrics: Metrics,
  ) {}

  async putRecords(records: readonly SerializedEnriched[]): Promise<void> {
    const entries = records.map(({ record, json }) => ({ data: Buffer.from(json), partitionKey: record.companyID }));
    try {
      await putRecordsReliably(this.client, this.streamName, entries, {
        onRetry: (failed) => this.metrics.count(METRIC.retries, failed, { dependency: 'enriched-stream' }),
      });
    } catch (error) {
      throw new DependencyUnavailableError(`writing ${records.length} record(s) to ${this.streamName} failed`, { stream: this.streamName }, error);
    }
  }
}
