import { decodeCompanyEvent, generateCompany } from '@tenant-analytics/domain';
import { seedCompanies } from './seed-companies';
import { givenPutRecords, givenStream, mockedKinesis } from './testing/kinesis-mock';

describe('seedCompanies', () => {
  it('publishes each company of the data set once with asOf, partition key = companyID', async () => {
    // Prepare
    const { kinesis, stub } = mockedKinesis();
    givenStream(stub);
    const stream = givenPutRecords(stub);
    const asOf = new Date('2026-11-25T10:00:00.000Z');

    // Act
    const summary = await seedCompanies({ streamName: 'companies', seed: 42, size: 1_234, asOf }, { kinesis });

    // Assess
    expect(stream.callSizes).toEqual([500, 500, 234]);
    expect(summary).toMatchObject({ streamName: 'companies', seed: 42, size: 1_234, asOf: asOf.toISOString(), accepted: 1_234, rejected: 0 });
    const decoded = stream.accepted.map((record) => {
      const result = decodeCompanyEvent(new TextEncoder().encode(record.data), { arrivalTime: new Date(), now: new Date() });
      expect(result.ok && result.value.companyID).toBe(record.partitionKey);
      return result.ok ? result.value : undefined;
    });
    const byId = new Map(decoded.map((company) => [company?.companyID, company]));
    expect(byId.size).toBe(1_234);
    expect(byId.get('comp_77')).toEqual({ ...generateCompany(42, 77), asOf: asOf.toISOString() });
  });

  it('defaults to the tenant data set (seed 42, 10,000 companies)', async () => {
    const { kinesis, stub } = mockedKinesis();
    givenStream(stub);
    const stream = givenPutRecords(stub);

    const summary = await seedCompanies({ streamName: 'companies' }, { kinesis });

    expect(summary).toMatchObject({ seed: 42, size: 10_000, accepted: 10_000 });
    expect(stream.callSizes).toHaveLength(20);
  });
});
