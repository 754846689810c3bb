import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { givenPutRecords, givenStream, mockedKinesis } from '../testing/kinesis-mock';
import { EXIT_CODES, runCli, type CliIo } from './program';

/** Runs the CLI with captured output and a mocked Kinesis client. */
async function run(args: readonly string[], prepare: (stub: ReturnType<typeof mockedKinesis>['stub']) => void = givenStream, extra: Partial<CliIo> = {}) {
  const { kinesis, stub } = mockedKinesis();
  prepare(stub);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const createKinesisClient = jest.fn(() => kinesis);
  const code = await runCli(args, { stdout, stderr, cwd: folder, defaultEndpointsFile: path.join(folder, 'missing.json'), createKinesisClient, ...extra });
  return { code, stdout: out.join(''), stderr: err.join(''), createKinesisClient, stub };
}

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'job-producer-cli-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('runCli', () => {
  it.each([[['--help']], [['send', '--help']], [['seed-companies', '--help']], [['help', 'send']]])('prints help for %j and exits 0', async (args) => {
    const result = await run(args);

    expect(result.code).toBe(EXIT_CODES.ok);
    expect(result.stdout).toMatch(/^Usage: job-producer/);
    expect(result.createKinesisClient).not.toHaveBeenCalled();
  });

  it.each([
    [['send', '--count', '0'], "option '--count <n>' argument '0' is invalid"],
    [['send', '--rate', '-5'], "option '--rate <events/s>' argument '-5' is invalid"],
    [['send', '--invalid-ratio', '2'], "option '--invalid-ratio <ratio>' argument '2' is invalid. expected a ratio between 0 and 1"],
    [['send', '--duplicate-ratio', 'some'], "option '--duplicate-ratio <ratio>' argument 'some' is invalid"],
    [['send', '--format', 'xml'], "option '--format <format>' argument 'xml' is invalid. Allowed choices are json, csv"],
    [['send', '--companies', 'abc'], "option '--companies <n>' argument 'abc' is invalid"],
    [['send', '--concurrency', '0'], "option '--concurrency <n>' argument '0' is invalid"],
    [['send', '--seed', '1.5'], "option '--seed <n>' argument '1.5' is invalid"],
    [['send', '--cout', '5'], "unknown option '--cout'"],
    [['send', '--count', '5', '--duration', '2'], "option '--duration <seconds>' cannot be used with option '--count <n>'"],
    [['send', '--companies', '5', '--companies-file', 'ids.txt'], "option '--companies-file <path>' cannot be used with option '--companies <n>'"],
    [['send', '--duration', '5', '--rate', 'max'], '--duration: needs a numeric --rate'],
    [['send', '--format', 'csv', '--duplicate-ratio', '0.1'], '--duplicate-ratio: needs --format json'],
    [['send', '--invalid-ratio', '0.7', '--duplicate-ratio', '0.5'], '--duplicate-ratio: --invalid-ratio + --duplicate-ratio must be at most 1'],
    [['send', '--run-id', 'a b'], '--run-id: must be 1-32 characters'],
    [['send', '--companies-file', 'missing.txt'], '--companies-file: cannot read'],
    [['send', '--endpoint-url', 'localhost:4567'], '--endpoint-url: must be an http(s) URL'],
    [['seed-companies', '--size', '0'], "option '--size <n>' argument '0' is invalid"],
    [['seed-companies', '--log-level', 'loud'], "option '--log-level <level>' argument 'loud' is invalid"],
    [['frobnicate'], "unknown command 'frobnicate'"],
  ])('rejects %j with exit code 2 naming the flag', async (args, message) => {
    const result = await run(args);

    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toContain(message);
    expect(result.stub.calls()).toHaveLength(0);
  });

  it('sends, prints the target and the summary, and writes the JSON summary', async () => {
    const result = await run(
      ['send', '--no-endpoints-file', '--region', 'us-west-2', '--count', '40', '--rate', 'max', '--invalid-ratio', '0.2', '--seed', '9', '--run-id', 'cli1', '--json-summary', 'out/s.json'],
      (stub) => {
        givenStream(stub);
        givenPutRecords(stub);
      },
    );

    expect(result.code).toBe(EXIT_CODES.ok);
    expect(result.stdout).toContain('Target: AWS regional endpoint, region us-west-2, stream bigdatajobs');
    expect(result.stdout).toContain('Run cli1 → bigdatajobs (json, seed 9)');
    expect(result.createKinesisClient).toHaveBeenCalledWith({ source: 'aws', region: 'us-west-2', streams: { jobs: 'bigdatajobs', companies: 'companies' } });
    const summary: unknown = JSON.parse(readFileSync(path.join(folder, 'out', 's.json'), 'utf8'));
    expect(summary).toMatchObject({ runId: 'cli1', seed: 9, accepted: 40, requested: 40 });
  });

  it('turns --duration into a count at --rate', async () => {
    jest.useFakeTimers();
    try {
      const running = run(['send', '--duration', '0.5', '--rate', '100', '--stream', 'mine', '--json-summary', 's.json'], (stub) => {
        givenStream(stub);
        givenPutRecords(stub);
      });
      await jest.advanceTimersByTimeAsync(2_000);
      expect((await running).code).toBe(EXIT_CODES.ok);
    } finally {
      jest.useRealTimers();
    }

    expect(JSON.parse(readFileSync(path.join(folder, 's.json'), 'utf8'))).toMatchObject({ streamName: 'mine', requested: 50, accepted: 50 });
  });

  it('seeds companies to the companies stream', async () => {
    const result = await run(['seed-companies', '--size', '700'], (stub) => {
      givenStream(stub);
      givenPutRecords(stub);
    });

    expect(result.code).toBe(EXIT_CODES.ok);
    expect(result.stdout).toContain('Seeded 700 of 700 company snapshots → companies (seed 42');
  });

  it('exits 1 with a clear message when the stream does not exist', async () => {
    const result = await run(['send'], (stub) => {
      stub.onAnyCommand().rejects(Object.assign(new Error('Stream bigdatajobs under account 1 not found.'), { name: 'ResourceNotFoundException' }));
    });

    expect(result.code).toBe(EXIT_CODES.failure);
    expect(result.stderr).toContain('error: Stream bigdatajobs at the AWS regional endpoint not found');
  });

  it('exits 1 after printing the partial summary when entries stay rejected', async () => {
    const result = await run(['send', '--count', '20', '--rate', 'max', '--max-attempts', '1', '--json-summary', 'failed.json'], (stub) => {
      givenStream(stub);
      givenPutRecords(stub, (data) => data.includes('-3"'));
    });

    expect(result.code).toBe(EXIT_CODES.failure);
    expect(result.stdout).toContain('accepted       19  (not accepted 1');
    expect(result.stderr).toMatch(/error: 1 record\(s\) still rejected by bigdatajobs after 1 attempts/);
    expect(JSON.parse(readFileSync(path.join(folder, 'failed.json'), 'utf8'))).toMatchObject({ accepted: 19, rejected: 1 });
  });

  it('exits 130 with the summary when interrupted', async () => {
    const controller = new AbortController();
    controller.abort();

    const result = await run(['send', '--count', '100'], givenStream, { signal: controller.signal });

    expect(result.code).toBe(EXIT_CODES.interrupted);
    expect(result.stdout).toContain('INTERRUPTED');
  });
});
