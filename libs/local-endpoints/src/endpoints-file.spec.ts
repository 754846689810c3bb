import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { awsCredentialsOf, localEndpointsSchema, readEndpointsFile, removeEndpointsFile, writeEndpointsFile, type LocalEndpoints } from './endpoints-file';
import { EndpointsFileError } from './errors';

const endpointsFactory = (overrides: Partial<LocalEndpoints> = {}): LocalEndpoints => ({
  region: 'us-west-2',
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  kinesis: 'http://127.0.0.1:4567',
  s3: 'http://127.0.0.1:4569',
  dynamodb: 'http://127.0.0.1:4568',
  bucket: 'tenant-analytics',
  streams: { jobs: 'bigdatajobs', companies: 'companies', enriched: 'enrichedcompanies' },
  stateTable: 'company-state',
  kinesisBackend: 'kinesalite',
  ...overrides,
});

describe('endpoints file', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'endpoints-spec-'));
    file = path.join(dir, 'nested', 'endpoints.json');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips endpoints, services included, creating the folder', () => {
    // Prepare
    const endpoints = endpointsFactory({ tenantManager: 'http://127.0.0.1:4010', churnApi: 'http://127.0.0.1:4011', churnEndpointName: 'churn-endpoint' });

    // Act
    writeEndpointsFile(file, endpoints);

    // Assess
    expect(readEndpointsFile(file)).toEqual(endpoints);
  });

  it('removes the file, and accepts a file that is already gone', () => {
    // Prepare
    writeEndpointsFile(file, endpointsFactory());

    // Act
    removeEndpointsFile(file);
    removeEndpointsFile(file);

    // Assess
    expect(existsSync(file)).toBe(false);
  });

  it('rejects a missing file, telling how to start the stack', () => {
    expect(() => readEndpointsFile(file)).toThrow(EndpointsFileError);
    expect(() => readEndpointsFile(file)).toThrow('nx serve mocks');
  });

  it('rejects a file that is not JSON', () => {
    // Prepare
    writeEndpointsFile(file, endpointsFactory());
    writeFileSync(file, '{"region":');

    // Act & assess
    expect(() => readEndpointsFile(file)).toThrow(/is not JSON/);
  });

  it.each([
    ['streams.jobs', { streams: { companies: 'c', enriched: 'e' } }],
    ['kinesis', { kinesis: 'not a url' }],
    ['kinesisBackend', { kinesisBackend: 'localstack' }],
    ['credentials', { credentials: undefined }],
  ])('rejects a file with a bad %s, naming the key', (key, change) => {
    // Prepare
    writeEndpointsFile(file, endpointsFactory());
    writeFileSync(file, JSON.stringify({ ...endpointsFactory(), ...change }));

    // Act & assess
    expect(() => readEndpointsFile(file)).toThrow(new RegExp(`invalid: .*${key.replace('.', '\\.')}`));
  });

  it('accepts the endpoints without the optional services', () => {
    expect(localEndpointsSchema.safeParse(endpointsFactory()).success).toBe(true);
  });

  it('round-trips endpoints the user gave, served from the default credential chain', () => {
    // Prepare
    const endpoints = endpointsFactory({ kinesisBackend: 'external', awsCredentials: 'default-chain' });

    // Act
    writeEndpointsFile(file, endpoints);

    // Assess
    expect(readEndpointsFile(file)).toEqual(endpoints);
  });

  it('rejects an awsCredentials other than default-chain, naming the key', () => {
    // Prepare
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ ...endpointsFactory(), awsCredentials: 'profile' }));

    // Act & assess
    expect(() => readEndpointsFile(path.join(dir, 'bad.json'))).toThrow(/invalid: awsCredentials/);
  });
});

describe('awsCredentialsOf', () => {
  it('gives the file\'s keys by default', () => {
    expect(awsCredentialsOf(endpointsFactory())).toEqual({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
  });

  it('gives nothing (the SDK default chain) for default-chain', () => {
    expect(awsCredentialsOf(endpointsFactory({ awsCredentials: 'default-chain' }))).toBeUndefined();
  });
});
