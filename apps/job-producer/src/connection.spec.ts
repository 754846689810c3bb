import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKinesisClient, defaultEndpointsFile, DEFAULT_STREAMS, findWorkspaceRoot, readProducerEndpoints, resolveConnection } from './connection';
import { EndpointsFileError, UsageError } from './errors';

const ENDPOINTS = {
  region: 'us-west-2',
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  kinesis: 'http://127.0.0.1:4567',
  s3: 'http://127.0.0.1:4568',
  dynamodb: 'http://127.0.0.1:4569',
  bucket: 'analytics',
  streams: { jobs: 'jobs-local', companies: 'companies-local', enriched: 'enriched-local' },
  stateTable: 'company-state',
  kinesisBackend: 'kinesalite',
};

describe('resolveConnection', () => {
  let folder: string;
  let file: string;
  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'connection-'));
    file = path.join(folder, 'endpoints.json');
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('uses the default endpoints file when it exists', () => {
    writeFileSync(file, JSON.stringify(ENDPOINTS));

    expect(resolveConnection({}, file)).toEqual({
      source: 'local-stack',
      endpoint: 'http://127.0.0.1:4567',
      region: 'us-west-2',
      credentials: ENDPOINTS.credentials,
      streams: { jobs: 'jobs-local', companies: 'companies-local' },
      endpointsFile: file,
    });
  });

  it('leaves credentials to the default chain when the file says default-chain (endpoints given with --endpoints)', () => {
    writeFileSync(file, JSON.stringify({ ...ENDPOINTS, kinesisBackend: 'external', awsCredentials: 'default-chain' }));

    const connection = resolveConnection({}, file);

    expect(connection).toMatchObject({ source: 'local-stack', endpoint: 'http://127.0.0.1:4567' });
    expect(connection.credentials).toBeUndefined();
  });

  it('lets --region override the file', () => {
    writeFileSync(file, JSON.stringify(ENDPOINTS));

    expect(resolveConnection({ endpointsFile: file, region: 'eu-west-1' }, 'unused')).toMatchObject({ region: 'eu-west-1', source: 'local-stack' });
  });

  it('falls back to AWS with the default chain when the default file is missing or disabled', () => {
    writeFileSync(file, JSON.stringify(ENDPOINTS));

    expect(resolveConnection({ region: 'eu-west-1' }, path.join(folder, 'missing.json'))).toEqual({ source: 'aws', region: 'eu-west-1', streams: DEFAULT_STREAMS });
    expect(resolveConnection({ endpointsFile: false }, file)).toEqual({ source: 'aws', streams: DEFAULT_STREAMS });
  });

  it('uses --endpoint-url with the default credential chain', () => {
    writeFileSync(file, JSON.stringify(ENDPOINTS));

    expect(resolveConnection({ endpointUrl: 'https://kinesis.example.test' }, file)).toEqual({ source: 'aws', endpoint: 'https://kinesis.example.test', streams: DEFAULT_STREAMS });
  });

  it('rejects --endpoint-url with --endpoints-file, or a bad URL, naming the flag', () => {
    expect(() => resolveConnection({ endpointUrl: 'http://x.test', endpointsFile: file }, file)).toThrow(UsageError);
    expect(() => resolveConnection({ endpointUrl: 'localhost:4567' }, file)).toThrow('--endpoint-url: must be an http(s) URL, got "localhost:4567"');
  });

  it('rejects an explicit endpoints file that is missing', () => {
    expect(() => resolveConnection({ endpointsFile: path.join(folder, 'nope.json') }, file)).toThrow(EndpointsFileError);
  });
});

describe('readProducerEndpoints', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'endpoints-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('rejects a file that is not JSON, naming it', () => {
    const file = path.join(folder, 'endpoints.json');
    writeFileSync(file, '{"region":');

    expect(() => readProducerEndpoints(file)).toThrow(new RegExp(`endpoints file ${file} is not JSON`));
  });

  it('rejects a file with a missing or bad key, naming the key', () => {
    const file = path.join(folder, 'endpoints.json');
    writeFileSync(file, JSON.stringify({ ...ENDPOINTS, kinesis: 'not a url', streams: { jobs: 'j' } }));

    expect(() => readProducerEndpoints(file)).toThrow(/is invalid: kinesis: .*; streams\.companies: /);
  });
});

describe('findWorkspaceRoot', () => {
  it('finds the folder holding nx.json above the start, or keeps the start', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'workspace-'));
    const nested = path.join(folder, 'apps', 'job-producer');
    mkdirSync(nested, { recursive: true });
    writeFileSync(path.join(folder, 'nx.json'), '{}');

    expect(findWorkspaceRoot(nested)).toBe(folder);
    expect(defaultEndpointsFile(nested)).toBe(path.join(folder, '.local', 'endpoints.json'));
    rmSync(path.join(folder, 'nx.json'));
    expect(findWorkspaceRoot(nested)).toBe(nested);
    rmSync(folder, { recursive: true, force: true });
  });
});

describe('createKinesisClient', () => {
  it('points the client at the endpoint with the given region and credentials', async () => {
    const client = createKinesisClient({ source: 'local-stack', endpoint: 'http://127.0.0.1:4567', region: 'us-west-2', credentials: ENDPOINTS.credentials, streams: DEFAULT_STREAMS });

    expect(await client.config.region()).toBe('us-west-2');
    expect(await client.config.endpoint?.()).toMatchObject({ hostname: '127.0.0.1', port: 4567, protocol: 'http:' });
    expect(await client.config.credentials()).toMatchObject({ accessKeyId: 'S3RVER' });
    client.destroy();
  });
});
