import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadPipelineConfig } from '@tenant-analytics/domain';
import { defaultLocalEndpoints, LOCAL_CREDENTIALS, removeEndpointsFile, writeEndpointsFile } from '@tenant-analytics/local-stack';
import { createAwsClients } from './composition';
import { CHURN_CREDENTIALS_REFRESH_MS, localPropertyGroups, localRunnerCredentials, sdkCredentialsFor } from './local-config';
import { MemoryLogger } from './testing/in-memory-adapters';

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

describe('localRunnerCredentials', () => {
  const rotated = { accessKeyId: 'AKIAROTATED', secretAccessKey: 'rotated-secret' };
  let dir: string;
  let endpointsFile: string;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-11-25T10:00:00Z') });
    dir = mkdtempSync(path.join(os.tmpdir(), 'local-credentials-'));
    endpointsFile = path.join(dir, 'endpoints.json');
    writeEndpointsFile(endpointsFile, endpoints);
  });

  afterEach(() => {
    jest.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives a key rotated in the endpoints file to churn signing only, never to the SDK clients', async () => {
    // Prepare
    const credentials = localRunnerCredentials({ endpointsFile, initial: endpoints.credentials, logger: new MemoryLogger() });
    const clients = createAwsClients(loadPipelineConfig({ json: localPropertyGroups(endpoints), env: {} }), credentials.aws);
    const beforeRotation = await credentials.churn();

    // Act
    writeEndpointsFile(endpointsFile, { ...endpoints, credentials: rotated });
    const withinRefresh = await credentials.churn();
    jest.advanceTimersByTime(CHURN_CREDENTIALS_REFRESH_MS);
    const afterRefresh = await credentials.churn();
    const sdk = await Promise.all([clients.kinesis, clients.s3, clients.dynamodb].map((client) => client.config.credentials()));

    // Assess
    expect(beforeRotation).toEqual(LOCAL_CREDENTIALS);
    expect(withinRefresh).toEqual(LOCAL_CREDENTIALS);
    expect(afterRefresh).toEqual(rotated);
    for (const identity of sdk) expect(identity).toMatchObject(LOCAL_CREDENTIALS);
    for (const client of Object.values(clients)) client.destroy();
  });

  it('leaves the SDK clients to the default chain when the file says default-chain, and still signs churn calls with its keys', async () => {
    // Prepare
    const credentials = localRunnerCredentials({ endpointsFile, initial: endpoints.credentials, sdk: 'default-chain', logger: new MemoryLogger() });

    // Act
    const churn = await credentials.churn();

    // Assess
    expect(credentials.aws).toBeUndefined();
    expect(churn).toEqual(endpoints.credentials);
  });

  it('gives the SDK clients the file\'s keys at start-up on endpoints the user provided', () => {
    // Prepare
    const provided = { accessKeyId: 'testing', secretAccessKey: 'testing-secret' };

    // Act
    const credentials = localRunnerCredentials({ endpointsFile, initial: provided, sdk: 'file', logger: new MemoryLogger() });

    // Assess
    expect(credentials.aws).toEqual(provided);
  });

  it('keeps the last churn key while the endpoints file is unreadable, warning once without the key', async () => {
    // Prepare
    const logger = new MemoryLogger();
    const credentials = localRunnerCredentials({ endpointsFile, initial: endpoints.credentials, logger });
    writeEndpointsFile(endpointsFile, { ...endpoints, credentials: rotated });
    jest.advanceTimersByTime(CHURN_CREDENTIALS_REFRESH_MS);
    await credentials.churn();

    // Act
    removeEndpointsFile(endpointsFile);
    const whileGone: unknown[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      jest.advanceTimersByTime(CHURN_CREDENTIALS_REFRESH_MS);
      whileGone.push(await credentials.churn());
    }

    // Assess
    expect(whileGone).toEqual([rotated, rotated, rotated]);
    expect(logger.lines.map(({ level, message }) => `${level}: ${message}`)).toEqual(['warn: endpoints file unreadable: churn calls keep the last credentials read']);
    expect(JSON.stringify(logger.lines)).not.toContain(rotated.secretAccessKey);
  });
});

describe('sdkCredentialsFor', () => {
  it.each([
    ['local', {}],
    ['file', { kinesisBackend: 'external' }],
    ['default-chain', { kinesisBackend: 'external', awsCredentials: 'default-chain' }],
  ] as const)('gives %s for %j', (expected, change) => {
    expect(sdkCredentialsFor({ ...endpoints, ...change })).toBe(expected);
  });
});
