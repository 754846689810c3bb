import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalStackConfigError } from './errors';
import { parseProvidedEndpoints, readProvidedEndpoints } from './provided-endpoints';

describe('parseProvidedEndpoints', () => {
  it('points all three services at one shared endpoint, with the local keys and the default names', () => {
    // Act
    const provided = parseProvidedEndpoints({ region: 'us-east-1', endpoint: 'http://localhost:4566/' }, 'localstack.json');

    // Assess
    expect(provided).toEqual({
      file: 'localstack.json',
      region: 'us-east-1',
      kinesis: 'http://localhost:4566',
      s3: 'http://localhost:4566',
      dynamodb: 'http://localhost:4566',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      bucket: 'tenant-analytics',
      streams: { jobs: 'bigdatajobs', companies: 'companies', enriched: 'enrichedcompanies' },
      stateTable: 'company-state',
      shards: { jobs: 2, companies: 1, enriched: 1 },
      tenantManager: undefined,
      churnApi: undefined,
      churnEndpointName: 'churn-endpoint',
    });
  });

  it('lets a per-service URL win over the shared endpoint, and keeps given names, keys and services', () => {
    // Act
    const provided = parseProvidedEndpoints(
      {
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:5000',
        s3: 'http://127.0.0.1:5001',
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
        streams: { jobs: 'jobs-x' },
        shards: { jobs: 4 },
        churnApi: 'https://churn.example.com/',
        churnEndpointName: 'prod-churn',
      },
      'f.json',
    );

    // Assess
    expect(provided).toMatchObject({
      kinesis: 'http://127.0.0.1:5000',
      s3: 'http://127.0.0.1:5001',
      dynamodb: 'http://127.0.0.1:5000',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      streams: { jobs: 'jobs-x', companies: 'companies', enriched: 'enrichedcompanies' },
      shards: { jobs: 4, companies: 1, enriched: 1 },
      churnApi: 'https://churn.example.com',
      churnEndpointName: 'prod-churn',
    });
  });

  it('means real AWS without any endpoint: the region\'s endpoints and the default chain', () => {
    // Act
    const provided = parseProvidedEndpoints({ region: 'us-west-2', credentials: 'default-chain' }, 'aws.json');

    // Assess
    expect(provided).toMatchObject({
      kinesis: 'https://kinesis.us-west-2.amazonaws.com',
      s3: 'https://s3.us-west-2.amazonaws.com',
      dynamodb: 'https://dynamodb.us-west-2.amazonaws.com',
      credentials: 'default-chain',
    });
  });

  it.each([
    ['region', { endpoint: 'http://127.0.0.1:1' }, /region: .*expected an AWS region/],
    ['region', { region: 'west', endpoint: 'http://127.0.0.1:1' }, /region: expected an AWS region such as us-east-1 \(got "west"\)/],
    ['endpoint', { region: 'us-east-1', endpoint: 'localhost:4566' }, /endpoint: expected an http\(s\) URL/],
    ['credentials', { region: 'us-east-1', endpoint: 'http://127.0.0.1:1', credentials: 'profile' }, /credentials: expected "default-chain" or \{"accessKeyId"/],
    ['dynamodb', { region: 'us-east-1', kinesis: 'http://127.0.0.1:1', s3: 'http://127.0.0.1:2' }, /dynamodb: expected a URL: kinesis and s3 are given without "endpoint"/],
    ['credentials', { region: 'us-east-1' }, /credentials: expected "default-chain" or keys: without "endpoint" the stack talks to real AWS/],
    ['shards.jobs', { region: 'us-east-1', endpoint: 'http://127.0.0.1:1', shards: { jobs: 0 } }, /shards\.jobs: .*\(got 0\)/],
    ['bucket', { region: 'us-east-1', endpoint: 'http://127.0.0.1:1', bucket: 'Bad_Bucket' }, /bucket: expected an S3 bucket name/],
    ['an unknown key', { region: 'us-east-1', endpoint: 'http://127.0.0.1:1', kinesisEndpoint: 'http://x' }, /kinesisEndpoint/],
    ['churnEndpointName', { region: 'us-east-1', endpoint: 'http://127.0.0.1:1', churnEndpointName: 'x' }, /churnEndpointName: expected only with "churnApi"/],
  ])('rejects a bad %s, naming the key and what is expected', (_key, json, message) => {
    // Act & assess
    expect(() => parseProvidedEndpoints(json, 'f.json')).toThrow(LocalStackConfigError);
    expect(() => parseProvidedEndpoints(json, 'f.json')).toThrow(message);
  });
});

describe('readProvidedEndpoints', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'provided-endpoints-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file', () => {
    // Prepare
    const file = path.join(dir, 'moto.json');
    writeFileSync(file, JSON.stringify({ region: 'us-west-2', endpoint: 'http://127.0.0.1:5000' }));

    // Act & assess
    expect(readProvidedEndpoints(file)).toMatchObject({ file, kinesis: 'http://127.0.0.1:5000' });
  });

  it('rejects a missing file, saying so and where the format is documented', () => {
    const file = path.join(dir, 'missing.json');

    expect(() => readProvidedEndpoints(file)).toThrow(`The endpoints file ${file} does not exist`);
    expect(() => readProvidedEndpoints(file)).toThrow('README.md#bring-your-own-endpoints');
  });

  it('rejects a file that is not JSON', () => {
    // Prepare
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, '{"region":');

    // Act & assess
    expect(() => readProvidedEndpoints(file)).toThrow(/is not JSON/);
  });
});
