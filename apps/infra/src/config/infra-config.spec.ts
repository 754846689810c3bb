import { App } from 'aws-cdk-lib';
import { churnBackendOf, InfraConfigError, parseInfraConfig, readInfraConfig } from './infra-config';

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
      retryAttempts: 10,
      maxRecordAgeSeconds: 3600,
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
    const error = configError({ jobsStartingPosition: 'AT_TIMESTAMP', batchSize: '0', retryAttempts: -1, alarmEmail: 'ops' });

    // assess
    expect(error.issues.map((issue) => issue.key).sort()).toEqual(['alarmEmail', 'batchSize', 'jobsStartingPosition', 'retryAttempts']);
    expect(error.message).toContain('jobsStartingPosition = "AT_TIMESTAMP"');
    expect(error.message).toContain('Invalid CDK context (4 problems)');
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
    expect(churnBackendOf(parseInfraConfig({}))).toEqual({ kind: 'managed' });
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
