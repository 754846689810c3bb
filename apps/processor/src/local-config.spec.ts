import { loadPipelineConfig } from '@tenant-analytics/domain';
import { defaultLocalEndpoints } from '@tenant-analytics/local-stack';
import { localPropertyGroups } from './local-config';

/** A running local stack with both mock services, on non-default ports and names. */
const endpoints = defaultLocalEndpoints({
  kinesis: 'http://127.0.0.1:45671',
  s3: 'http://127.0.0.1:45672',
  dynamodb: 'http://127.0.0.1:45673',
  bucket: 'local-bucket',
  streams: { jobs: 'jobs-1', companies: 'companies-1', enriched: 'enriched-1' },
  stateTable: 'state-1',
  tenantManager: 'http://127.0.0.1:45674',
  churnApi: 'http://127.0.0.1:45675/',
  churnEndpointName: 'churn-endpoint',
});

describe('localPropertyGroups', () => {
  it('gives property groups that load into a config pointing every client at the local stack', () => {
    // Act
    const config = loadPipelineConfig({ json: localPropertyGroups(endpoints) });

    // Assess
    expect(config.region).toBe(endpoints.region);
    expect(config.endpoints).toEqual({ kinesis: endpoints.kinesis, s3: endpoints.s3, dynamodb: endpoints.dynamodb, s3ForcePathStyle: true });
    expect(config.streams).toMatchObject({
      jobs: { name: 'jobs-1', initialPosition: 'TRIM_HORIZON' },
      companies: { name: 'companies-1', initialPosition: 'TRIM_HORIZON' },
      enriched: { name: 'enriched-1', enabled: true },
    });
    expect(config.sink.path).toMatchObject({ bucket: 'local-bucket', prefix: 'churn/data' });
    expect(config.sink.deadLetterPath).toMatchObject({ bucket: 'local-bucket', prefix: 'dead-letters' });
    expect(config.state.tableName).toBe('state-1');
    expect(config.runner).toMatchObject({ checkpointTableName: 'state-1', pollIntervalMs: 200 });
    expect(config.tenantManager.endpoint).toBe(endpoints.tenantManager);
    expect(config.churn).toMatchObject({ mode: 'apigateway', endpoint: 'http://127.0.0.1:45675/prod/assessChurn' });
  });

  it('lets the environment restore the seed LATEST start position', () => {
    // Act
    const config = loadPipelineConfig({ json: localPropertyGroups(endpoints), env: { JOBS_STREAM_INITIAL_POSITION: 'LATEST' } });

    // Assess
    expect(config.streams.jobs.initialPosition).toBe('LATEST');
    expect(config.streams.companies.initialPosition).toBe('TRIM_HORIZON');
  });

  it.each([
    ['the tenant manager', { ...endpoints, tenantManager: undefined }],
    ['the churn API', { ...endpoints, churnApi: undefined }],
  ])('rejects a stack started without %s, saying which endpoints are needed', (_service, partial) => {
    // Act / Assess
    expect(() => localPropertyGroups(partial)).toThrow(/--no-services.*needs tenantManager and churnApi/);
  });
});
