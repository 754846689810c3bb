import { companyEventSchema } from '@tenant-analytics/domain';
import { toSnapshot } from './snapshot-publisher';

describe('toSnapshot', () => {
  it('turns a tenant into a company event with asOf', () => {
    // prepare
    const tenant = { tenantID: 'comp_1', industry: 'IT', revenu: 10, employees: 5, job30: 3, job90: 10, monthlyFee: 100, totalFee: 101, riskOfChurn: false };

    // act
    const snapshot = toSnapshot(tenant, new Date('2026-11-25T10:00:00Z'));

    // assess
    expect(snapshot).toEqual({ companyID: 'comp_1', industry: 'IT', revenu: 10, employees: 5, job30: 3, job90: 10, monthlyFee: 100, totalFee: 101, riskOfChurn: false, asOf: '2026-11-25T10:00:00.000Z' });
    expect(companyEventSchema.parse(snapshot)).toEqual(snapshot);
  });
});
