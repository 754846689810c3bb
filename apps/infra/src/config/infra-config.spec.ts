import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { DomainError } from '@tenant-analytics/domain';
import {
  churnBackendOf,
  EVENT_SOURCE_MAPPING_DEFAULTS,
  eventSourceMappingSettingsOf,
  INFRA_CONTEXT_KEYS,
  InfraConfigError,
  parseInfraConfig,
  readInfraConfig,
  streamShardCountsOf,
} from './infra-config';

function configError(raw: Record<string, unknown>): InfraConfigError {
  try {
    parseInfraConfig(raw);
  } catch (error) {
    if (error instanceof InfraConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an InfraConfigError');
}

describe('parseInfraConfig', () => {
  it('applies the seed-compatible defaults when no context is given', () => {
    // act
    const config = parseInfraConfig({});

    // assess
    expect(config).toMatchObject({
      stackPrefix: 'TenantAnalytics',
      jobsStreamName: 'bigdatajobs',
      companiesStreamName: 'companies',
      enrichedStreamName: 'enrichedcompanies',
      streamRetentionHours: 24,
      jobsStartingPosition: 'LATEST',
      companiesStartingPosition: 'LATEST',
      parallelizationFactor: 1,
      retryAttempts: -1,
      maxRecordAgeSeconds: 3600,
      tenantManager: 'external',
      stateTableBilling: 'on-demand',
      enrichedExpirationDays: 365,
      churnApiMode: 'apigateway',
      asyncCapacity: 20,
      removalPolicy: 'retain',
    });
    expect(config.tenantManagerEndpoint).toBeUndefined();
    expect(config.alarmEmail).toBeUndefined();
  });

  it('coerces the strings `cdk -c key=value` passes', () => {
    // act
    const config = parseInfraConfig({ batchSize: '1000', processorSupportsLanes: 'true', parallelizationFactor: '4', churnApiKeyRequired: 'false' });

    // assess
    expect(config.batchSize).toBe(1000);
    expect(config.processorSupportsLanes).toBe(true);
    expect(config.parallelizationFactor).toBe(4);
    expect(config.churnApiKeyRequired).toBe(false);
  });

  it('rejects a parallelization factor above 1 unless the processor supports lanes', () => {
    // act
    const error = configError({ parallelizationFactor: 2 });

    // assess
    expect(error.issues).toEqual([{ key: 'parallelizationFactor', value: 2, expected: expect.stringContaining('processorSupportsLanes=true') }]);
    expect(error.retriable).toBe(false);
  });

  it('rejects every bad key at once, naming key, value and expectation', () => {
    // act
    const error = configError({ jobsStartingPosition: 'AT_TIMESTAMP', batchSize: '0', retryAttempts: -2, alarmEmail: 'ops' });

    // assess
    expect(error.issues.map((issue) => issue.key).sort()).toEqual(['alarmEmail', 'batchSize', 'jobsStartingPosition', 'retryAttempts']);
    expect(error.message).toContain('jobsStartingPosition = "AT_TIMESTAMP"');
    expect(error.message).toContain('Invalid CDK context (4 problems)');
    expect(error).toBeInstanceOf(DomainError);
  });

  it('rejects a Lambda timeout below batch size × scoring budget, naming the parameters', () => {
    // act
    const error = configError({ batchSize: 2000 });
    const raised = parseInfraConfig({ batchSize: 2000, processorTimeoutSeconds: 150 });
    const slowModel = configError({ processorProperties: { 'scoring.total.timeout.ms': '100000' } });

    // assess
    expect(error.issues).toEqual([{ key: 'processorTimeoutSeconds', value: undefined, expected: expect.stringContaining('at least 150 s for batchSize=2000') }]);
    expect(error.message).toMatch(/scoringBatchSize=25.*asyncCapacity=20.*scoring\.total\.timeout\.ms=30000/);
    expect(raised.processorTimeoutSeconds).toBe(150);
    expect(slowModel.issues[0]).toMatchObject({ key: 'processorTimeoutSeconds', expected: expect.stringContaining('at least 130 s') });
  });

  it('rejects a memory size too small for the batch, and a record age past the stream retention', () => {
    // act
    const error = configError({ processorMemoryMb: 256, maxRecordAgeSeconds: 90_000 });

    // assess
    expect(error.issues.map((issue) => [issue.key, issue.expected])).toEqual([
      ['processorMemoryMb', expect.stringContaining('at least 276 MB for batchSize=500')],
      ['maxRecordAgeSeconds', expect.stringContaining('86400')],
    ]);
  });

  it('rejects the removed streamShardCount, naming its replacements', () => {
    // act
    const error = configError({ streamShardCount: 4 });

    // assess
    expect(error.issues).toEqual([{ key: 'streamShardCount', value: 4, expected: expect.stringContaining('jobsShardCount') }]);
  });

  it('rejects plain http for the tenant manager, and an endpoint beside the stand-in', () => {
    // act
    const http = configError({ tenantManagerEndpoint: 'http://tenants.example.com' });
    const both = configError({ tenantManager: 'standin', tenantManagerEndpoint: 'https://tenants.example.com' });

    // assess
    expect(http.issues.map((issue) => issue.key)).toEqual(['tenantManagerEndpoint']);
    expect(both.issues.map((issue) => issue.expected)).toEqual([expect.stringContaining('tenantManager=standin')]);
  });

  it('rejects a SageMaker model half given, or given with Lambda hosting', () => {
    // act
    const half = configError({ churnModelHosting: 'sagemaker', churnModelDataUrl: 's3://bucket-1/model.tar.gz' });
    const lambda = configError({ churnModelDataUrl: 's3://bucket-1/model.tar.gz' });
    const lambdaWithRuntime = configError({ churnModelHosting: 'lambda', churnApiMode: 'sagemaker' });

    // assess
    expect(half.issues.map((issue) => issue.key)).toEqual(['churnModelImage']);
    expect(lambda.issues).toEqual([{ key: 'churnModelDataUrl', value: 's3://bucket-1/model.tar.gz', expected: 'only with churnModelHosting=sagemaker' }]);
    expect(lambdaWithRuntime.issues.map((issue) => issue.key)).toEqual(['churnModelHosting']);
  });

  it('rejects a transition too early for its storage class or not before expiry', () => {
    // act
    const early = configError({ enrichedTransitionDays: 10, enrichedTransitionStorageClass: 'STANDARD_IA' });
    const late = configError({ enrichedTransitionDays: 400 });

    // assess
    expect(early.issues[0]?.expected).toBe('at least 30 for STANDARD_IA');
    expect(late.issues[0]?.expected).toContain('fewer days than enrichedExpirationDays (365)');
  });

  it('rejects an existing churn API URL in sagemaker mode and an endpoint name in apigateway mode', () => {
    // act
    const urlError = configError({ churnApiMode: 'sagemaker', churnApiEndpointUrl: 'https://abc123.execute-api.us-west-2.amazonaws.com/prod/assessChurn' });
    const endpointError = configError({ churnSageMakerEndpointName: 'churn' });

    // assess
    expect(urlError.issues.map((issue) => issue.key)).toEqual(['churnApiEndpointUrl']);
    expect(endpointError.issues.map((issue) => issue.key)).toEqual(['churnSageMakerEndpointName']);
  });

  it('rejects a dead-letter prefix nested in the sink prefix (the lifecycle rule would expire enriched data)', () => {
    // act
    const error = configError({ sinkPrefix: 'data', deadLetterPrefix: 'data/dead' });

    // assess
    expect(error.issues.map((issue) => issue.key)).toEqual(['deadLetterPrefix']);
  });

  it('takes extra processor properties as JSON and rejects the keys it sets itself', () => {
    // act
    const config = parseInfraConfig({ processorProperties: '{"log.level":"debug","scoring.on.failure":"emit"}' });
    const error = configError({ processorProperties: { predictChurnApiKey: 'k', 'jobs.stream.initial.position': 'LATEST' } });

    // assess
    expect(config.processorProperties).toEqual({ 'log.level': 'debug', 'scoring.on.failure': 'emit' });
    expect(error.issues).toEqual([{ key: 'processorProperties', value: expect.anything(), expected: 'no key this app sets itself (predictChurnApiKey, jobs.stream.initial.position)' }]);
    expect(configError({ processorProperties: '{not json' }).issues[0]?.key).toBe('processorProperties');
  });

  it('rejects a log retention CloudWatch does not offer', () => {
    // act
    const error = configError({ logRetentionDays: 10 });

    // assess
    expect(error.issues[0]).toMatchObject({ key: 'logRetentionDays', value: 10 });
  });
});

describe('readInfraConfig', () => {
  it('reads the parameters from the construct tree context', () => {
    // prepare
    const app = new App({ context: { jobsStreamName: 'jobs-test', alarmEmail: 'ops@example.com' } });

    // act
    const config = readInfraConfig(app.node);

    // assess
    expect(config.jobsStreamName).toBe('jobs-test');
    expect(config.alarmEmail).toBe('ops@example.com');
  });
});

describe('churnBackendOf', () => {
  it('creates the model endpoint unless an existing one is named', () => {
    // act / assess
    expect(churnBackendOf(parseInfraConfig({}))).toEqual({ kind: 'managed', hosting: 'lambda' });
    expect(churnBackendOf(parseInfraConfig({ churnApiEndpointUrl: 'https://churn.example.com/assessChurn' }))).toEqual({
      kind: 'existing-api',
      url: 'https://churn.example.com/assessChurn',
    });
    expect(churnBackendOf(parseInfraConfig({ churnApiMode: 'sagemaker', churnSageMakerEndpointName: 'Churn-Prod' }))).toEqual({
      kind: 'existing-endpoint',
      endpointName: 'Churn-Prod',
    });
  });
});

describe('streamShardCountsOf', () => {
  it('sizes each stream at half its write limit for the expected rate, and takes overrides', () => {
    // act / assess
    expect(streamShardCountsOf(parseInfraConfig({}))).toEqual({ jobs: 2, companies: 1, enriched: 2 });
    expect(streamShardCountsOf(parseInfraConfig({ expectedEventsPerSecond: 1, expectedSnapshotsPerSecond: 1 }))).toEqual({ jobs: 1, companies: 1, enriched: 1 });
    expect(streamShardCountsOf(parseInfraConfig({ enrichedShardCount: 9 }))).toEqual({ jobs: 2, companies: 1, enriched: 9 });
  });
});

describe('eventSourceMappingSettingsOf', () => {
  it('exports the mapping settings in one place, retries bounded by record age by default', () => {
    // act / assess
    expect(EVENT_SOURCE_MAPPING_DEFAULTS).toEqual({
      batchSize: 500,
      maxBatchingWindowSeconds: 1,
      retryAttempts: -1,
      maxRecordAgeSeconds: 3600,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      parallelizationFactor: 1,
      startingPositions: { jobs: 'LATEST', companies: 'LATEST' },
    });
    expect(eventSourceMappingSettingsOf(parseInfraConfig({ batchSize: 100, retryAttempts: 3 }))).toMatchObject({ batchSize: 100, retryAttempts: 3 });
  });
});

describe('the README', () => {
  it('documents every context key the app reads', () => {
    // prepare
    const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');

    // act
    const undocumented = INFRA_CONTEXT_KEYS.filter((key) => !readme.includes(`\`${key}\``));

    // assess
    expect(undocumented).toEqual([]);
  });
});
