import { CommanderError } from 'commander';
import path from 'node:path';
import { DEFAULT_DEMO_OPTIONS, parseDemoArgs } from './demo-options';

const argv = (...flags: string[]): string[] => ['node', 'main.ts', ...flags];
const silent = { writeOut: () => undefined, writeErr: () => undefined };

function parseError(...flags: string[]): CommanderError {
  try {
    parseDemoArgs(argv(...flags), silent);
  } catch (error) {
    if (error instanceof CommanderError) return error;
    throw error;
  }
  throw new Error(`expected ${flags.join(' ')} to be rejected`);
}

describe('parseDemoArgs', () => {
  it('gives the default workload without flags', () => {
    expect(parseDemoArgs(argv())).toEqual(DEFAULT_DEMO_OPTIONS);
    expect(DEFAULT_DEMO_OPTIONS).toMatchObject({ events: 20_000, durationSeconds: 20, invalidRatio: 0.01, companies: 10_000, keepRunning: false });
  });

  it('reads every flag', () => {
    // Act
    const options = parseDemoArgs(
      argv(
        '--events', '500', '--duration', '2.5', '--invalid-ratio', '0.1', '--duplicate-ratio', '0.05', '--out-of-order-ratio', '0',
        '--companies', '100', '--seed', '9', '--kinesis-backend', 'kinesis-local', '--keep-running', '--free-ports', '--report-dir', 'out', '--drain-timeout', '30',
        '--runtime', 'lambda', '--live-view-port', '4700', '--backend', 'containers',
      ),
    );

    // Assess
    expect(options).toEqual({
      events: 500,
      durationSeconds: 2.5,
      invalidRatio: 0.1,
      duplicateRatio: 0.05,
      outOfOrderRatio: 0,
      companies: 100,
      seed: 9,
      kinesisBackend: 'kinesis-local',
      backend: 'containers',
      keepRunning: true,
      freePorts: true,
      reportDir: path.resolve('out'),
      drainTimeoutSeconds: 30,
      runtime: 'lambda',
      liveViewPort: 4700,
      endpoints: undefined,
    });
  });

  it('reads --endpoints as a path', () => {
    expect(parseDemoArgs(argv('--endpoints', 'moto.json')).endpoints).toBe(path.resolve('moto.json'));
  });

  it.each([
    ['zero events', ['--events', '0'], /--events/],
    ['a fractional event count', ['--events', '1.5'], /--events/],
    ['a ratio above 1', ['--invalid-ratio', '1.5'], /--invalid-ratio/],
    ['a non-numeric duration', ['--duration', 'soon'], /--duration/],
    ['more companies than the tenant data set', ['--companies', '10001'], /--companies/],
    ['an unknown backend', ['--kinesis-backend', 'localstack'], /--kinesis-backend/],
    ['an unknown runtime', ['--runtime', 'ecs'], /--runtime/],
    ['an unknown local stack backend', ['--backend', 'podman'], /--backend/],
  ])('rejects %s, naming the flag', (_, flags, name) => {
    // Act
    const error = parseError(...flags);

    // Assess
    expect(error.code).toBe('commander.invalidArgument');
    expect(error.message).toMatch(name);
  });

  it('rejects invalid and duplicate ratios adding up to more than 1', () => {
    expect(parseError('--invalid-ratio', '0.6', '--duplicate-ratio', '0.5').message).toMatch(/--invalid-ratio \+ --duplicate-ratio must be at most 1/);
  });

  it('rejects --kinesis-backend with --endpoints (no emulator runs)', () => {
    expect(parseError('--endpoints', 'moto.json', '--kinesis-backend', 'kinesis-local').message).toMatch(/--kinesis-backend cannot be combined with --endpoints/);
  });

  it('rejects an unknown flag', () => {
    expect(parseError('--event', '5').code).toBe('commander.unknownOption');
  });
});
