import { DEFAULT_ENDPOINTS_FILE, DEFAULT_PORTS, REPO_ROOT, resolveLocalStackOptions } from '@tenant-analytics/local-stack';
import { CommanderError } from 'commander';
import path from 'node:path';
import { parseServeMocksArgs } from './serve-mocks-args';

describe('parseServeMocksArgs', () => {
  beforeEach(() => {
    // Commander prints usage errors; the tests check the thrown error instead.
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  it('defaults to the fixed ports, kinesalite, both services and the repo endpoints file', () => {
    // Act
    const { stack, logLevel } = parseServeMocksArgs([]);
    const resolved = resolveLocalStackOptions(stack);

    // Assess
    expect(logLevel).toBe('warn');
    expect(resolved.kinesisBackend).toBe('kinesalite');
    expect(resolved.ports).toEqual(DEFAULT_PORTS);
    expect(resolved.services).toEqual({ tenantManager: [], churnApi: [] });
    expect(resolved.endpointsFile).toBe(DEFAULT_ENDPOINTS_FILE);
    expect(resolved.dataDir).toBeUndefined();
    expect(resolved.dynamodbStorage).toBe('memory');
  });

  it('leaves the backend to LOCAL_STACK_BACKEND (else auto) unless --backend names one', () => {
    // Act
    const unset = parseServeMocksArgs([]).stack.backend;
    const given = parseServeMocksArgs(['--backend', 'containers']).stack.backend;

    // Assess
    expect(unset).toBeUndefined();
    expect(given).toBe('containers');
  });

  it('takes --endpoints relative to the repository, and no file by default', () => {
    // Act
    const given = parseServeMocksArgs(['--endpoints', 'moto.json', '--port-base', '0']).providedEndpointsFile;
    const unset = parseServeMocksArgs([]).providedEndpointsFile;

    // Assess
    expect(given).toBe(path.join(REPO_ROOT, 'moto.json'));
    expect(unset).toBeUndefined();
  });

  it.each([
    ['--region', 'eu-west-1'],
    ['--kinesis-backend', 'kinesis-local'],
    ['--shards-jobs', '4'],
    ['--data-dir', 'data'],
    ['--s3-port', '6000'],
  ])('rejects %s with --endpoints, naming it', (flag, value) => {
    // Act & assess
    expect(() => parseServeMocksArgs(['--endpoints', 'moto.json', flag, value])).toThrow(CommanderError);
    expect(() => parseServeMocksArgs(['--endpoints', 'moto.json', flag, value])).toThrow(`${flag} cannot be combined with --endpoints`);
  });

  it('turns the services off with --no-services', () => {
    expect(parseServeMocksArgs(['--no-services']).stack.services).toEqual({ tenantManager: false, churnApi: false });
  });

  it('lays ports out from --port-base, an individual port flag winning', () => {
    // Act
    const { ports } = parseServeMocksArgs(['--port-base', '5000', '--s3-port', '6000']).stack;

    // Assess
    expect(ports).toEqual({ kinesis: 5000, dynamodb: 5001, s3: 6000, tenantManager: 5003, churnApi: 5004 });
  });

  it('makes every port a free one with --port-base 0', () => {
    expect(Object.values(parseServeMocksArgs(['--port-base', '0']).stack.ports ?? {})).toEqual([0, 0, 0, 0, 0]);
  });

  it('passes backend, region, shard counts and log level through', () => {
    // Act
    const { stack, logLevel } = parseServeMocksArgs([
      '--kinesis-backend', 'kinesalite', '--dynamodb-storage', 'disk', '--region', 'eu-west-1',
      '--shards-jobs', '4', '--shards-companies', '2', '--shards-enriched', '3', '--log-level', 'debug',
    ]);

    // Assess
    expect(resolveLocalStackOptions(stack)).toMatchObject({ kinesisBackend: 'kinesalite', dynamodbStorage: 'disk', region: 'eu-west-1', shards: { jobs: 4, companies: 2, enriched: 3 } });
    expect(logLevel).toBe('debug');
  });

  it('takes relative paths from the repository root (nx runs the script in tools/mocks)', () => {
    // Act
    const { stack } = parseServeMocksArgs(['--data-dir', '.local/data', '--endpoints-file', 'tmp/endpoints.json']);

    // Assess
    expect(stack.dataDir).toBe(path.join(REPO_ROOT, '.local/data'));
    expect(stack.endpointsFile).toBe(path.join(REPO_ROOT, 'tmp/endpoints.json'));
  });

  it.each([
    ['an unknown backend', ['--kinesis-backend', 'localstack'], 'commander.invalidArgument'],
    ['an unknown local stack backend', ['--backend', 'podman'], 'commander.invalidArgument'],
    ['an unknown DynamoDB storage', ['--dynamodb-storage', 'leveldb'], 'commander.invalidArgument'],
    ['a port that is not an integer', ['--kinesis-port', 'abc'], 'commander.invalidArgument'],
    ['an unknown flag', ['--kinesis'], 'commander.unknownOption'],
  ])('rejects %s', (_label, argv, code) => {
    // Act
    const act = (): unknown => parseServeMocksArgs(argv);

    // Assess
    expect(act).toThrow(CommanderError);
    expect(act).toThrow(expect.objectContaining({ code }));
  });

  it('serves the live view on 4600, reading the processor\'s metrics at 127.0.0.1:9464, unless told otherwise', () => {
    expect(parseServeMocksArgs([]).liveView).toEqual({ port: 4600, processorMetricsUrl: 'http://127.0.0.1:9464' });
    expect(parseServeMocksArgs(['--live-view-port', '0', '--processor-metrics-url', 'http://127.0.0.1:9500']).liveView).toEqual({ port: 0, processorMetricsUrl: 'http://127.0.0.1:9500' });
    expect(parseServeMocksArgs(['--no-live-view']).liveView).toBeUndefined();
  });

  it('rejects a processor metrics URL that is not on loopback', () => {
    expect(() => parseServeMocksArgs(['--processor-metrics-url', 'http://10.0.0.1:9464'])).toThrow(CommanderError);
  });
});
