import { type KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { DomainError, type CompanyEvent } from '@tenant-analytics/domain';

/** Where company snapshots go: the `companies` stream. */
export interface SnapshotPublisher {
  publish(snapshot: CompanyEvent): Promise<void>;
}

/** A snapshot that could not be published; retriable (the write was not saved). */
export class SnapshotPublishError extends DomainError {}

/** Publishes each snapshot as one JSON record, partition key = companyID (ARCHITECTURE.md §2). */
export class KinesisSnapshotPublisher implements SnapshotPublisher {
  constructor(
    private readonly client: KinesisClient,
    private readonly streamName: string,
  ) {}

  async publish(snapshot: CompanyEvent): Promise<void> {
    try {
      await this.client.send(
        new PutRecordCommand({ StreamName: this.streamName, PartitionKey: snapshot.companyID, Data: Buffer.from(JSON.stringify(snapshot), 'utf8') }),
      );
    } catch (error) {
      throw new SnapshotPublishError(`could not publish the snapshot of ${snapshot.companyID} to ${this.streamName}`, {
        cause: error,
        retriable: true,
        context: { companyID: snapshot.companyID, stream: this.streamName },
      });
    }
  }
}
