import { SILENT_LOGGER } from '@tenant-analytics/domain';
import path from 'node:path';
import { LocalStackConfigError } from './errors';
import { backendFromEnvironment, DEFAULT_NAMES, DEFAULT_PORTS, DEFAULT_SHARDS, resolveLocalStackOptions } from './local-stack-options';
import { DEFAULT_ENDPOINTS_FILE } from '@tenant-analytics/local-endpoints';
import { parseProvidedEndpoints } from './provided-endpoints';

describe('resolveLocalStackOptions', () => {
  it('applies the documented defaults', () => {
    // Act
    const resolved = resolveLocalStackOptions();

    // Assess
    expect(resolved).toMatchObject({
      kinesisBackend: 'kinesis-local',
      region: 'us-west-2',
      dynamodbStorage: 'memory',
      ports: { kinesis: 4567, dynamodb: 4568, s3: 4569, tenantManager: 4010, churnApi: 4011 },
      shards: { jobs: 2, companies: 1, enriched: 1 },
      names: { jobs: 'bigdatajobs', companies: 'companies', enriched: 'enrichedcompanies', bucket: 'tenant-analytics', stateTable: 'company-state' },
      services: { tenantManager: false, churnApi: false },
      dataDir: undefined,
      endpointsFile: DEFAULT_ENDPOINTS_FILE,
      startTimeoutMs: 60_000,
    });
    expect(resolved.ports).toEqual(DEFAULT_PORTS);
    expect(resolved.shards).toEqual(DEFAULT_SHARDS);
    expect(resolved.names).toEqual(DEFAULT_NAMES);
    expect(resolved.logger).toBe(SILENT_LOGGER);
  });

  it('keeps defaults for the keys a partial group leaves out', () => {
    // Act
    const resolved = resolveLocalStackOptions({ ports: { kinesis: 0 }, shards: { jobs: 4 }, names: { bucket: 'my-bucket' } });

    // Assess
    expect(resolved.ports).toEqual({ ...DEFAULT_PORTS, kinesis: 0 });
    expect(resolved.shards).toEqual({ ...DEFAULT_SHARDS, jobs: 4 });
    expect(resolved.names).toEqual({ ...DEFAULT_NAMES, bucket: 'my-bucket' });
  });

  it('turns service switches into their extra flags', () => {
    // Act
    const resolved = resolveLocalStackOptions({ services: { tenantManager: true, churnApi: { args: ['--latency-ms', '5'] } } });

    // Assess
    expect(resolved.services).toEqual({ tenantManager: [], churnApi: ['--latency-ms', '5'] });
  });

  it('resolves relative paths and keeps endpointsFile false', () => {
    // Act
    const resolved = resolveLocalStackOptions({ dataDir: 'data', endpointsFile: false });
    const withFile = resolveLocalStackOptions({ endpointsFile: 'out/endpoints.json' });

    // Assess
    expect(resolved.dataDir).toBe(path.resolve('data'));
    expect(resolved.endpointsFile).toBe(false);
    expect(withFile.endpointsFile).toBe(path.resolve('out/endpoints.json'));
  });

  it.each([
    ['shards.jobs', { shards: { jobs: 0 } }, '0'],
    ['ports.s3', { ports: { s3: 70_000 } }, '70000'],
    ['names.bucket', { names: { bucket: 'Upper_Case' } }, '"Upper_Case"'],
    ['kinesisBackend', { kinesisBackend: 'localstack' }, '"localstack"'],
    ['region', { region: 'mars' }, '"mars"'],
    ['dynamodbStorage', { dynamodbStorage: 'leveldb' }, '"leveldb"'],
  ])('rejects a bad %s, naming the key and the value', (key, options, shown) => {
    // Act
    const act = (): unknown => resolveLocalStackOptions(options as never);

    // Assess
    expect(act).toThrow(LocalStackConfigError);
    expect(act).toThrow(key);
    expect(act).toThrow(shown);
  });

  it('rejects an unknown key instead of ignoring a typo', () => {
    expect(() => resolveLocalStackOptions({ ports: { kinesiss: 1 } } as never)).toThrow(/ports.*kinesiss/);
  });
});

describe('backendFromEnvironment', () => {
  it('defaults to auto when LOCAL_STACK_BACKEND is unset or empty', () => {
    expect(backendFromEnvironment({})).toBe('auto');
    expect(backendFromEnvironment({ LOCAL_STACK_BACKEND: '' })).toBe('auto');
  });

  it.each(['processes', 'containers', 'auto'] as const)('reads %s', (backend) => {
    expect(backendFromEnvironment({ LOCAL_STACK_BACKEND: backend })).toBe(backend);
  });

  it('rejects another value, naming the variable and the choices', () => {
    // Act
    const act = (): unknown => backendFromEnvironment({ LOCAL_STACK_BACKEND: 'docker' });

    // Assess
    expect(act).toThrow(LocalStackConfigError);
    expect(act).toThrow('LOCAL_STACK_BACKEND="docker": expected one of processes, containers, auto');
  });
});

describe('resolveLocalStackOptions backend', () => {
  const saved = process.env['LOCAL_STACK_BACKEND'];
  afterEach(() => {
    if (saved === undefined) delete process.env['LOCAL_STACK_BACKEND'];
    else process.env['LOCAL_STACK_BACKEND'] = saved;
  });

  it('takes the option over LOCAL_STACK_BACKEND, and LOCAL_STACK_BACKEND over auto', () => {
    // Prepare
    process.env['LOCAL_STACK_BACKEND'] = 'containers';

    // Act
    const given = resolveLocalStackOptions({ backend: 'processes' }).backend;
    const fromEnvironment = resolveLocalStackOptions().backend;

    // Assess
    expect(given).toBe('processes');
    expect(fromEnvironment).toBe('containers');
  });

  it('rejects an unknown backend option, naming the key', () => {
    expect(() => resolveLocalStackOptions({ backend: 'podman' as never })).toThrow(/backend: .*\(got "podman"\)/);
  });

  it('runs the services as child processes on provided endpoints, whatever LOCAL_STACK_BACKEND says (no emulator runs)', () => {
    // Prepare
    process.env['LOCAL_STACK_BACKEND'] = 'containers';
    const provided = parseProvidedEndpoints({ region: 'us-east-1', endpoint: 'http://127.0.0.1:4566' }, 'moto.json');

    // Act
    const resolved = resolveLocalStackOptions({ provided });

    // Assess
    expect(resolved.backend).toBe('processes');
    expect(resolved.provided).toBe(provided);
  });

  it('rejects the container backend asked for with provided endpoints, naming the key and the file', () => {
    // Prepare
    const provided = parseProvidedEndpoints({ region: 'us-east-1', endpoint: 'http://127.0.0.1:4566' }, 'moto.json');

    // Act & assess
    expect(() => resolveLocalStackOptions({ provided, backend: 'containers' })).toThrow(LocalStackConfigError);
    expect(() => resolveLocalStackOptions({ provided, backend: 'containers' })).toThrow(/backend: "containers" cannot serve endpoints given in moto\.json/);
  });
});
