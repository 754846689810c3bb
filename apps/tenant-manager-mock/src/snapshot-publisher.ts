import { tenantToCompany, type CompanyEvent, type Tenant } from '@tenant-analytics/domain';

/** What a bulk publication did. */
export interface PublishSummary {
  readonly published: number;
  readonly batches: number;
  /** Entries sent again after a partial PutRecords failure. */
  readonly retriedEntries: number;
}

/** Where company snapshots go (the `companies` stream); adapters implement it. */
export interface SnapshotPublisher {
  /**
   * Publishes one snapshot, partition key = companyID.
   *
   * @throws PublishError when it could not (after the adapter's retries).
   */
  publish(snapshot: CompanyEvent): Promise<void>;
  /**
   * Publishes many snapshots in batches, retrying the entries a batch rejected.
   *
   * @throws PublishError when some entries still failed after the retries.
   */
  publishAll(snapshots: readonly CompanyEvent[]): Promise<PublishSummary>;
}

/** The snapshot of a tenant as of `asOf`: the company shape plus `asOf` (ISO-8601, UTC). */
export function toSnapshot(tenant: Tenant, asOf: Date): CompanyEvent {
  return { ...tenantToCompany(tenant), asOf: asOf.toISOString() };
}
