import { localEndpointsSchema } from '@tenant-analytics/local-endpoints';
import { defaultLocalEndpoints } from './default-endpoints';

describe('defaultLocalEndpoints', () => {
  it('builds the default endpoints from the documented ports and names', () => {
    expect(defaultLocalEndpoints()).toMatchObject({
      kinesis: 'http://127.0.0.1:4567',
      dynamodb: 'http://127.0.0.1:4568',
      s3: 'http://127.0.0.1:4569',
      streams: { jobs: 'bigdatajobs', companies: 'companies', enriched: 'enrichedcompanies' },
    });
  });

  it('satisfies the endpoints-file contract', () => {
    expect(localEndpointsSchema.safeParse(defaultLocalEndpoints()).success).toBe(true);
  });
});
