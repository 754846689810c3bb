import { companyIdAt, companyToTenant, generateCompany, type Tenant } from '@tenant-analytics/domain';

/** The generated data set a store starts from (see `generateCompany`). */
export interface DatasetSpec {
  readonly seed: number;
  readonly size: number;
}

/** One page of tenants, in store order. */
export interface TenantPage {
  readonly items: readonly Tenant[];
  readonly offset: number;
  readonly limit: number;
  readonly total: number;
}

const GENERATED_ID = /^comp_(0|[1-9][0-9]{0,8})$/;

/**
 * The tenant manager's records: the generated data set `comp_0 … comp_{size-1}` (computed on
 * demand from `(seed, index)`, so 10,000 tenants cost nothing until read) plus what was created or
 * updated since start-up (kept in memory; a restart returns to the generated data).
 *
 * Order, for listing: generated tenants by index, then created ones in creation order.
 */
export class TenantStore {
  private readonly written = new Map<string, Tenant>();
  private readonly createdIds: string[] = [];

  constructor(readonly dataset: DatasetSpec) {}

  /** How many tenants the store holds. */
  get total(): number {
    return this.dataset.size + this.createdIds.length;
  }

  /** The tenant, or `undefined` when there is none with this id. */
  get(tenantID: string): Tenant | undefined {
    const written = this.written.get(tenantID);
    if (written) {
      return written;
    }
    const index = this.generatedIndex(tenantID);
    return index === undefined ? undefined : companyToTenant(generateCompany(this.dataset.seed, index));
  }

  has(tenantID: string): boolean {
    return this.get(tenantID) !== undefined;
  }

  /** Adds a new tenant; returns false (and changes nothing) when the id is taken. */
  create(tenant: Tenant): boolean {
    if (this.has(tenant.tenantID)) {
      return false;
    }
    this.written.set(tenant.tenantID, tenant);
    this.createdIds.push(tenant.tenantID);
    return true;
  }

  /** Replaces an existing tenant; returns false (and changes nothing) when there is none. */
  update(tenant: Tenant): boolean {
    if (!this.has(tenant.tenantID)) {
      return false;
    }
    this.written.set(tenant.tenantID, tenant);
    return true;
  }

  /** Tenants `offset … offset+limit-1` in store order. */
  list(offset: number, limit: number): TenantPage {
    const end = Math.min(offset + limit, this.total);
    const items: Tenant[] = [];
    for (let position = offset; position < end; position += 1) {
      const id = position < this.dataset.size ? companyIdAt(position) : this.createdIds[position - this.dataset.size];
      const tenant = id === undefined ? undefined : this.get(id);
      if (tenant) {
        items.push(tenant);
      }
    }
    return { items, offset, limit, total: this.total };
  }

  private generatedIndex(tenantID: string): number | undefined {
    const match = GENERATED_ID.exec(tenantID);
    const index = match ? Number(match[1]) : undefined;
    return index !== undefined && index < this.dataset.size ? index : undefined;
  }
}
