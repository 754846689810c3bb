import { companyToTenant, generateCompany, type Tenant } from '@tenant-analytics/domain';
import { TenantStore } from './tenant-store';

const dataset = { seed: 42, size: 5 };

function tenantFactory(overrides: Partial<Tenant> = {}): Tenant {
  return { tenantID: 'acme', industry: 'gov', revenu: 1000, employees: 250, job30: 4, job90: 40, monthlyFee: 300, totalFee: 900, riskOfChurn: false, ...overrides };
}

describe('TenantStore', () => {
  it('serves the generated data set by id', () => {
    // prepare
    const store = new TenantStore(dataset);

    // act
    const tenant = store.get('comp_3');

    // assess
    expect(tenant).toEqual(companyToTenant(generateCompany(42, 3)));
    expect(store.total).toBe(5);
  });

  it.each(['comp_5', 'comp_03', 'comp_-1', 'comp_x', 'acme'])('has no tenant %s', (tenantID) => {
    // act
    const tenant = new TenantStore(dataset).get(tenantID);

    // assess
    expect(tenant).toBeUndefined();
  });

  it('creates a new tenant and lists it after the generated ones', () => {
    // prepare
    const store = new TenantStore(dataset);

    // act
    const created = store.create(tenantFactory());
    const page = store.list(4, 10);

    // assess
    expect(created).toBe(true);
    expect(store.get('acme')).toEqual(tenantFactory());
    expect(page.items.map((tenant) => tenant.tenantID)).toEqual(['comp_4', 'acme']);
    expect(page.total).toBe(6);
  });

  it('rejects creating an id that exists, generated or created', () => {
    // prepare
    const store = new TenantStore(dataset);
    store.create(tenantFactory());

    // act
    const generatedClash = store.create(tenantFactory({ tenantID: 'comp_0' }));
    const createdClash = store.create(tenantFactory({ revenu: 1 }));

    // assess
    expect(generatedClash).toBe(false);
    expect(createdClash).toBe(false);
    expect(store.get('acme')?.revenu).toBe(1000);
    expect(store.total).toBe(6);
  });

  it('updates a generated tenant in place, keeping its list position', () => {
    // prepare
    const store = new TenantStore(dataset);

    // act
    const updated = store.update(tenantFactory({ tenantID: 'comp_1', job30: 9 }));

    // assess
    expect(updated).toBe(true);
    expect(store.get('comp_1')?.job30).toBe(9);
    expect(store.list(1, 1).items[0]?.job30).toBe(9);
    expect(store.total).toBe(5);
  });

  it('rejects updating an unknown tenant', () => {
    // prepare
    const store = new TenantStore(dataset);

    // act
    const updated = store.update(tenantFactory({ tenantID: 'nobody' }));

    // assess
    expect(updated).toBe(false);
    expect(store.get('nobody')).toBeUndefined();
  });

  it('lists pages and an empty page past the end', () => {
    // prepare
    const store = new TenantStore(dataset);

    // act
    const first = store.list(0, 2);
    const past = store.list(10, 2);

    // assess
    expect(first).toMatchObject({ offset: 0, limit: 2, total: 5 });
    expect(first.items.map((tenant) => tenant.tenantID)).toEqual(['comp_0', 'comp_1']);
    expect(past.items).toEqual([]);
  });
});
