import { PRICE_LIST } from './price-list';

describe('PRICE_LIST', () => {
  it('names a source for every service it prices', () => {
    // Act
    const items = PRICE_LIST.sources.map((source) => source.item).join(' | ');

    // Assess
    for (const service of ['Kinesis', 'Lambda', 'DynamoDB on-demand', 'DynamoDB provisioned', 'S3', 'Flink']) expect(items).toContain(service);
  });
});
