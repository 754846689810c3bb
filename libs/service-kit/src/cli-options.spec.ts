import { Command } from 'commander';
import { pino } from 'pino';
import { ConfigError } from '@tenant-analytics/domain';
import { addServiceOptions, parseNumberFlag, readServiceOptions, runCommand } from './cli-options';
import { DEFAULT_BODY_LIMIT_BYTES } from './body';

function parse(argv: readonly string[], env: Record<string, string> = {}): Record<string, unknown> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const command = addServiceOptions(new Command('serve').exitOverride(), { envPrefix: 'TEST_SVC', defaultPort: 8123 });
    command.parse([...argv], { from: 'user' });
    return command.opts();
  } finally {
    process.env = saved;
  }
}

describe('addServiceOptions / readServiceOptions', () => {
  it('has visible defaults and no faults', () => {
    // act
    const options = readServiceOptions(parse([]));

    // assess
    expect(options).toEqual({
      host: '127.0.0.1',
      port: 8123,
      bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
      logLevel: 'info',
      faults: { latencyMs: 0, errorRate: 0, errorStatus: 500, timeoutRate: 0, timeoutMs: 60_000, resetRate: 0 },
    });
  });

  it('reads flags, and the environment when a flag is absent', () => {
    // act
    const options = readServiceOptions(
      parse(['--port', '0', '--error-rate', '0.2', '--error-status', '429', '--latency-ms', '20', '--latency-p99-ms', '200'], {
        TEST_SVC_HOST: '0.0.0.0',
        TEST_SVC_FAULT_SEED: '5',
        TEST_SVC_PORT: '9999',
      }),
    );

    // assess
    expect(options.host).toBe('0.0.0.0');
    expect(options.port).toBe(0);
    expect(options.faults).toMatchObject({ errorRate: 0.2, errorStatus: 429, latencyMs: 20, latencyP99Ms: 200, seed: 5 });
  });

  it('rejects a port out of range naming the flag', () => {
    // act
    const act = (): unknown => readServiceOptions(parse(['--port', '70000']));

    // assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(expect.objectContaining({ issues: [{ key: '--port', problem: 'invalid', value: '70000', expected: expect.stringContaining('65535') }] }));
  });

  it('rejects fault flags that do not add up naming the flag', () => {
    // act
    const act = (): unknown => readServiceOptions(parse(['--error-rate', '0.7', '--reset-rate', '0.7']));

    // assess
    expect(act).toThrow(/--error-rate = "0.7": expected errorRate \+ timeoutRate \+ resetRate must be at most 1/);
  });

  it('rejects a bad fault seed naming --fault-seed', () => {
    // act
    const act = (): unknown => readServiceOptions(parse(['--fault-seed', '1.5']));

    // assess
    expect(act).toThrow(/--fault-seed = "1.5": expected /);
  });
});

describe('parseNumberFlag', () => {
  it.each(['', ' ', 'abc', 'Infinity'])('rejects %j', (value) => {
    // act
    const act = (): unknown => parseNumberFlag(value);

    // assess
    expect(act).toThrow(/expected a number/);
  });

  it('parses decimals', () => {
    // assess
    expect(parseNumberFlag('0.25')).toBe(0.25);
  });
});

describe('runCommand', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  function programFailingWith(error: Error): Command {
    return new Command('svc')
      .exitOverride()
      .configureOutput({ writeErr: () => undefined })
      .action(() => {
        throw error;
      });
  }

  it('ends with exit code 2 and the message on a ConfigError', async () => {
    // prepare
    const program = programFailingWith(new ConfigError([{ key: '--port', problem: 'invalid', value: 'x', expected: 'a number' }]));

    // act
    const run = runCommand(program, { name: 'svc', argv: [], logger: pino({ level: 'silent' }) });

    // assess
    await expect(run).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('--port = "x": expected a number') });
  });

  it('logs any other failure as fatal and sets exit code 1', async () => {
    // prepare
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });

    // act
    await runCommand(programFailingWith(new Error('artifact missing')), { name: 'svc', argv: [], logger });

    // assess
    expect(process.exitCode).toBe(1);
    expect(lines.join('')).toContain('"msg":"svc failed"');
    expect(lines.join('')).toContain('artifact missing');
  });
});
