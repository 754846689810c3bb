import { inspect } from 'node:util';
import { CONFIG_KEYS, loadPipelineConfig, parsePipelineConfig, redactConfig, type PipelineConfig } from './config';
import { loadPropertyGroups } from './property-groups';
import { API_KEY, configErrorOf, propertyGroupsJson, REQUIRED_KEYS as REQUIRED, SEED_DOCUMENT, useConfigFiles } from './testing/config-fixtures';

const configFiles = useConfigFiles();

describe('CONFIG_KEYS', () => {
  it('gives every known key its own environment variable', () => {
    const envNames = CONFIG_KEYS.map((info) => info.envName);
    expect(new Set(envNames).size).toBe(envNames.length);
  });

  it('documents the seed keys with their defaults and flags the secret', () => {
    const byKey = new Map(CONFIG_KEYS.map((info) => [info.key, info]));
    expect(byKey.get('aws.region')).toMatchObject({ default: 'us-west-2', envName: 'AWS_REGION', required: false, secret: false });
    expect(byKey.get('jobs.stream.initial.position')).toMatchObject({ default: 'LATEST', expected: 'one of LATEST, TRIM_HORIZON, AT_TIMESTAMP' });
    expect(byKey.get('S3SinkPath')).toMatchObject({ required: true });
    expect(byKey.get('predictChurnApiKey')).toMatchObject({ secret: true });
    expect(byKey.get('dlqPath')?.default).toBe('s3://<bucket of S3SinkPath>/dead-letters');
    expect(CONFIG_KEYS.every((info) => info.description.length > 0)).toBe(true);
  });
});

describe('parsePipelineConfig', () => {
  it('fills every default around the required keys', () => {
    // Act
    const config = parsePipelineConfig(REQUIRED);

    // Assess
    const expected: PipelineConfig = {
      region: 'us-west-2',
      streams: {
        jobs: { name: 'bigdatajobs', initialPosition: 'LATEST' },
        companies: { name: 'companies', initialPosition: 'LATEST' },
        enriched: { name: 'enrichedcompanies', enabled: true },
      },
      endpoints: { s3ForcePathStyle: false },
      sink: {
        path: { uri: 's3://jb-data-set/churn/data', bucket: 'jb-data-set', prefix: 'churn/data' },
        deadLetterPath: { uri: 's3://jb-data-set/dead-letters', bucket: 'jb-data-set', prefix: 'dead-letters' },
      },
      churn: {
        mode: 'apigateway',
        endpoint: 'https://api.example.test/prod/assessChurn',
        signing: { enabled: true, service: 'execute-api' },
        batchSize: 25,
        asyncCapacity: 20,
        attemptTimeoutMs: 2000,
        totalTimeoutMs: 30000,
        retry: { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 5000 },
        breaker: { consecutiveFailures: 5, halfOpenAfterMs: 10000 },
        onFailure: 'dead-letter',
      },
      tenantManager: {
        endpoint: 'http://127.0.0.1:4010',
        signing: { enabled: false },
        concurrency: 10,
        attemptTimeoutMs: 2000,
        retry: { maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 2000 },
        cache: { maxEntries: 10000, ttlMs: 300000 },
      },
      state: { tableName: 'company-state', dedupeWindowMinutes: 60, compaction: { intervalMs: 60_000, maxBatches: 120 } },
      validation: { minJobs: 1, maxJobs: 100000, maxAgeMs: 365 * 24 * 3600 * 1000, maxFutureSkewMs: 300000, maxRecordBytes: 65536 },
      runner: { pollIntervalMs: 1000, getRecordsLimit: 10000, checkpointTableName: 'company-state', shutdownTimeoutMs: 30000 },
      log: { level: 'info' },
      extensions: {},
    };
    expect(config).toEqual(expected);
  });

  it('loads the seed document unchanged, reading its " " api key as none', () => {
    // Act
    const config = parsePipelineConfig(loadPropertyGroups({ json: JSON.stringify(SEED_DOCUMENT) }));

    // Assess
    expect(config.churn).not.toHaveProperty('apiKey');
    expect(config.churn.endpoint).toBe('https://API.execute-api.us-west-2.amazonaws.com/prod/assessChurn');
    expect(config.sink.path).toEqual({ uri: 's3://jb-data-set/churn/data', bucket: 'jb-data-set', prefix: 'churn/data' });
  });

  it('reads the sagemaker mode with its derived endpoint and signing service', () => {
    // Act
    const config = parsePipelineConfig({
      S3SinkPath: 's3://bucket',
      tenantManagerEndpoint: 'http://127.0.0.1:4010',
      'aws.region': 'eu-central-1',
      'churn.api.mode': 'sagemaker',
      'churn.sagemaker.endpoint.name': 'churn-endpoint',
      'churn.sagemaker.content.type': 'application/json',
    });

    // Assess
    expect(config.churn).toMatchObject({
      mode: 'sagemaker',
      endpoint: 'https://runtime.sagemaker.eu-central-1.amazonaws.com',
      signing: { enabled: true, service: 'sagemaker' },
      sageMaker: { endpointName: 'churn-endpoint', contentType: 'application/json' },
    });
    expect(config.sink.path).toEqual({ uri: 's3://bucket', bucket: 'bucket', prefix: '' });
  });

  it('reads explicit values of every kind', () => {
    // Act
    const config = parsePipelineConfig({
      ...REQUIRED,
      'jobs.stream.initial.position': 'AT_TIMESTAMP',
      'jobs.stream.initial.timestamp': '2026-11-25T12:00:00+02:00',
      'kinesis.endpoint': 'http://127.0.0.1:4567',
      's3.force.path.style': 'true',
      dlqPath: 's3://other-bucket/dlq/',
      predictChurnApiKey: API_KEY,
      'scoring.batch.size': ' 50 ',
      'runner.checkpoint.table.name': 'checkpoints',
      'x.team.owner': 'analytics',
    });

    // Assess
    expect(config.streams.jobs).toEqual({ name: 'bigdatajobs', initialPosition: 'AT_TIMESTAMP', initialTimestamp: '2026-11-25T10:00:00.000Z' });
    expect(config.endpoints).toEqual({ kinesis: 'http://127.0.0.1:4567', s3ForcePathStyle: true });
    expect(config.sink.deadLetterPath).toEqual({ uri: 's3://other-bucket/dlq', bucket: 'other-bucket', prefix: 'dlq' });
    expect(config.churn.apiKey).toBe(API_KEY);
    expect(config.churn.batchSize).toBe(50);
    expect(config.runner.checkpointTableName).toBe('checkpoints');
    expect(config.extensions).toEqual({ 'x.team.owner': 'analytics' });
  });

  it.each<[string, Record<string, string>, string]>([
    ['a missing required key', { S3SinkPath: '' }, 'S3SinkPath is required: expected s3://bucket/prefix'],
    ['a missing apigateway endpoint', { predictChurnApiEndpoint: ' ' }, 'predictChurnApiEndpoint is required: expected an http(s) URL, e.g. https://example.com/path, because churn.api.mode is apigateway'],
    ['a bad enum', { 'jobs.stream.initial.position': 'EARLIEST' }, 'jobs.stream.initial.position = "EARLIEST": expected one of LATEST, TRIM_HORIZON, AT_TIMESTAMP'],
    ['a bad number', { 'scoring.batch.size': 'ten' }, 'scoring.batch.size = "ten": expected an integer between 1 and 1000'],
    ['a fractional number', { 'async.capacity': '2.5' }, 'async.capacity = "2.5": expected an integer between 1 and 1000'],
    ['an out-of-range number', { 'scoring.batch.size': '1001' }, 'scoring.batch.size = "1001": expected an integer between 1 and 1000'],
    ['a bad boolean', { 'enrichedcompanies.enabled': 'yes' }, 'enrichedcompanies.enabled = "yes": expected true or false'],
    ['a bad URL', { tenantManagerEndpoint: '127.0.0.1:4010' }, 'tenantManagerEndpoint = "127.0.0.1:4010": expected an http(s) URL'],
    ['a non-http URL', { 'kinesis.endpoint': 'ftp://127.0.0.1' }, 'kinesis.endpoint = "ftp://127.0.0.1": expected an http(s) URL'],
    ['a bad S3 path', { S3SinkPath: 'bucket/prefix' }, 'S3SinkPath = "bucket/prefix": expected s3://bucket/prefix'],
    ['a bad region', { 'aws.region': 'Oregon' }, 'aws.region = "Oregon": expected an AWS region name, e.g. us-west-2'],
    [
      'AT_TIMESTAMP without a timestamp',
      { 'companies.stream.initial.position': 'AT_TIMESTAMP' },
      'companies.stream.initial.timestamp is required: expected an ISO-8601 date-time with a zone, e.g. 2026-11-25T10:00:00Z, because companies.stream.initial.position is AT_TIMESTAMP',
    ],
    [
      'a timestamp without AT_TIMESTAMP',
      { 'jobs.stream.initial.timestamp': '2026-11-25T10:00:00Z' },
      'jobs.stream.initial.timestamp = "2026-11-25T10:00:00Z": expected no value unless jobs.stream.initial.position is AT_TIMESTAMP (it is LATEST)',
    ],
    ['a timestamp without a zone', { 'jobs.stream.initial.position': 'AT_TIMESTAMP', 'jobs.stream.initial.timestamp': '2026-11-25T10:00:00' }, 'jobs.stream.initial.timestamp = "2026-11-25T10:00:00": expected an ISO-8601 date-time with a zone'],
    ['sagemaker mode without an endpoint name', { 'churn.api.mode': 'sagemaker' }, 'churn.sagemaker.endpoint.name is required'],
    ['an endpoint name in apigateway mode', { 'churn.sagemaker.endpoint.name': 'ep' }, 'churn.sagemaker.endpoint.name = "ep": expected no value unless churn.api.mode is sagemaker'],
    ['a retry cap below the first delay', { 'scoring.retry.initial.delay.ms': '500', 'scoring.retry.max.delay.ms': '100' }, 'scoring.retry.max.delay.ms = "100": expected at least scoring.retry.initial.delay.ms (500)'],
    ['a total timeout below the attempt timeout', { 'scoring.total.timeout.ms': '1000' }, 'scoring.total.timeout.ms = "1000": expected at least scoring.attempt.timeout.ms (2000)'],
    ['a typo in a key', { 'jobs.stream.nmae': 'x' }, 'unknown key jobs.stream.nmae (did you mean jobs.stream.name?)'],
    ['a key in environment-variable form', { JOBS_STREAM_NAME: 'x' }, 'unknown key JOBS_STREAM_NAME (did you mean jobs.stream.name?)'],
    ['a key unlike any other', { 'completely.unrelated.setting': 'x' }, 'unknown key completely.unrelated.setting (known keys are listed in the README; prefix extensions with "x.")'],
  ])('rejects %s, naming the key, the value and what was expected', (_label, overrides, message) => {
    // Act
    const err = configErrorOf(() => parsePipelineConfig({ ...REQUIRED, ...overrides }));

    // Assess
    expect(err.issues).toHaveLength(1);
    expect(err.message).toContain(message);
    expect(err.retriable).toBe(false);
  });

  it('lists every bad key at once', () => {
    // Act
    const err = configErrorOf(() =>
      parsePipelineConfig({ 'jobs.stream.initial.position': 'NOW', 'scoring.batch.size': '0', 'log.level': 'verbose', tenantManagerEndpoint: 'nope', S3SinkPath: 's3://bkt' }),
    );

    // Assess
    expect(err.issues.map((issue) => issue.key).sort()).toEqual(
      ['jobs.stream.initial.position', 'log.level', 'predictChurnApiEndpoint', 'scoring.batch.size', 'tenantManagerEndpoint'].sort(),
    );
    expect(err.message).toMatch(/^Invalid configuration \(5 problems\):\n/);
  });

  it('redacts secret values in its errors', () => {
    // Act
    const err = configErrorOf(() => parsePipelineConfig({ ...REQUIRED, predictChurnApiKey: 'has spaces in it' }));

    // Assess
    expect(err.message).toContain('predictChurnApiKey = "***": expected a value without spaces');
    expect(err.message).not.toContain('has spaces');
    expect(JSON.stringify(err.issues)).not.toContain('has spaces');
  });

  it('never shows the api key when the configuration is logged, yet hands it to code', () => {
    // Act
    const config = parsePipelineConfig({ ...REQUIRED, predictChurnApiKey: API_KEY });

    // Assess
    expect(config.churn.apiKey).toBe(API_KEY);
    expect(JSON.stringify(config)).not.toContain(API_KEY);
    expect(inspect(config, { depth: 10 })).not.toContain(API_KEY);
    expect(JSON.stringify(redactConfig(config))).toContain('"apiKey":"***"');
    expect(Object.isFrozen(config.churn.retry)).toBe(true);
  });
});

describe('redactConfig', () => {
  it('replaces strings under secret-looking names at any depth and keeps the rest', () => {
    const redacted = redactConfig({ a: { clientSecret: 's', sessionToken: 't', apiKey: 'k', name: 'n', count: 3 } });
    expect(redacted).toEqual({ a: { clientSecret: '***', sessionToken: '***', apiKey: '***', name: 'n', count: 3 } });
  });
});

describe('loadPipelineConfig', () => {
  it('lets environment variables win over the file, even for keys the file does not set', () => {
    // Prepare
    const file = configFiles.write('pipeline.json', JSON.stringify(SEED_DOCUMENT));

    // Act
    const config = loadPipelineConfig({
      file,
      env: { AWS_REGION: 'eu-west-1', S3_SINK_PATH: 's3://env-bucket/enriched', SCORING_BATCH_SIZE: '100', PREDICT_CHURN_API_KEY: API_KEY, UNRELATED: 'x' },
    });

    // Assess
    expect(config.region).toBe('eu-west-1');
    expect(config.sink.path.bucket).toBe('env-bucket');
    expect(config.churn.batchSize).toBe(100);
    expect(config.churn.apiKey).toBe(API_KEY);
  });

  it('works from the environment alone', () => {
    const config = loadPipelineConfig({
      env: { S3_SINK_PATH: 's3://bkt/p', PREDICT_CHURN_API_ENDPOINT: 'https://x.test/prod/assessChurn', TENANT_MANAGER_ENDPOINT: 'http://127.0.0.1:1' },
    });
    expect(config.sink.path.prefix).toBe('p');
  });

  it('fails start-up on a malformed value, naming the key', () => {
    const file = configFiles.write('bad-value.json', propertyGroupsJson({ ...REQUIRED, 'runner.getrecords.limit': '20000' }));
    expect(() => loadPipelineConfig({ file })).toThrow('runner.getrecords.limit = "20000": expected an integer between 1 and 10000');
  });
});
