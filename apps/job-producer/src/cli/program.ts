import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { DEFAULT_DATASET, pinoLogger } from '@tenant-analytics/domain';
import { Command, CommanderError, Option } from 'commander';
import { pino } from 'pino';
import { companyIdsUpTo, readCompanyIdsFile } from '../company-ids';
import { resolveConnection, type ConnectionFlags, type KinesisConnection } from '../connection';
import { ProducerError, UsageError } from '../errors';
import { JOB_EVENT_FORMATS, type JobEventFormat } from '../invalid-records';
import { resolveGeneratorOptions } from '../job-event-generator';
import { seedCompanies } from '../seed-companies';
import { SendFailedError, sendJobEvents, type SendSummary } from '../send-job-events';
import { parseInteger, parseNonNegativeNumber, parsePositiveInt, parsePositiveNumber, parseRate, parseRatio } from './flag-parsers';
import { createProgressReporter, type ProgressStream } from './progress-reporter';
import { formatSeedSummary, formatSendSummary } from './summary-text';

/** What the CLI touches outside itself; tests pass fakes. */
export interface CliIo {
  readonly stdout: ProgressStream;
  readonly stderr: NodeJS.WritableStream;
  /** Relative paths (`--json-summary`, `--companies-file`) resolve against it. */
  readonly cwd: string;
  /** Used when neither `--endpoints-file` nor `--endpoint-url` is given. */
  readonly defaultEndpointsFile: string;
  readonly createKinesisClient: (connection: KinesisConnection) => KinesisClient;
  /** Aborted on Ctrl-C: sending stops, batches in flight finish, the summary is printed. */
  readonly signal?: AbortSignal;
}

/** Exit codes of the CLI. */
export const EXIT_CODES = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const DEFAULT_COMPANIES = 1_000;
const DEFAULT_COUNT = 1_000;
const DEFAULT_RATE = 1_000;

interface CommonFlags extends ConnectionFlags {
  readonly stream?: string;
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly jsonSummary?: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
}

interface SendFlags extends CommonFlags {
  readonly companies: number;
  readonly companiesFile?: string;
  readonly count?: number;
  readonly duration?: number;
  readonly rate: number;
  readonly format: JobEventFormat;
  readonly invalidRatio: number;
  readonly duplicateRatio: number;
  readonly outOfOrderRatio: number;
  readonly maxOutOfOrderHours: number;
  readonly seed?: number;
  readonly runId?: string;
  readonly lingerMs: number;
}

interface SeedFlags extends CommonFlags {
  readonly seed: number;
  readonly size: number;
}

function addCommonOptions(command: Command, streamHelp: string): Command {
  return command
    .option('--endpoints-file <path>', 'local stack endpoints file (default: <workspace>/.local/endpoints.json when it exists)')
    .option('--no-endpoints-file', 'ignore the local endpoints file: real AWS with the default credential chain')
    .option('--endpoint-url <url>', 'Kinesis endpoint URL, with the default credential chain (real AWS when absent)')
    .option('--region <region>', 'AWS region (default: the endpoints file, else AWS_REGION / profile)')
    .option('--stream <name>', streamHelp)
    .addOption(new Option('--concurrency <n>', 'PutRecords batches in flight at most').argParser(parsePositiveInt).default(4))
    .addOption(new Option('--max-attempts <n>', 'attempts per rejected entry before giving up').argParser(parsePositiveInt).default(8))
    .option('--json-summary <file>', 'also write the summary as JSON to this file')
    .addOption(new Option('--log-level <level>', 'log level of the JSON logs on stderr').choices(LOG_LEVELS).default('warn'));
}

function describeTarget(connection: KinesisConnection, streamName: string): string {
  const where = connection.source === 'local-stack' ? `local stack ${connection.endpoint} (${connection.endpointsFile})` : `AWS ${connection.endpoint ?? 'regional endpoint'}`;
  return `Target: ${where}, region ${connection.region ?? '(default chain)'}, stream ${streamName}\n`;
}

function writeJsonSummary(io: CliIo, file: string | undefined, summary: object): void {
  if (file === undefined) {
    return;
  }
  const target = path.resolve(io.cwd, file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(summary, null, 2)}\n`);
  io.stdout.write(`Summary written to ${target}\n`);
}

/** A run id that differs between runs, so their eventIDs never collide in the processor's dedupe. */
function newRunId(): string {
  return `r${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

function prepare(io: CliIo, flags: CommonFlags, defaultStream: (connection: KinesisConnection) => string) {
  const connection = resolveConnection(flags, io.defaultEndpointsFile);
  const streamName = flags.stream ?? defaultStream(connection);
  io.stdout.write(describeTarget(connection, streamName));
  const logger = pinoLogger(pino({ level: flags.logLevel, name: 'job-producer' }, pino.destination({ dest: 2, sync: true })));
  return { kinesis: io.createKinesisClient(connection), streamName, logger, retry: { maxAttempts: flags.maxAttempts } };
}

function sendCount(flags: SendFlags): number {
  if (flags.duration === undefined) {
    return flags.count ?? DEFAULT_COUNT;
  }
  if (!Number.isFinite(flags.rate)) {
    throw new UsageError('--duration', 'needs a numeric --rate (not max): the count is duration × rate');
  }
  return Math.max(1, Math.round(flags.duration * flags.rate));
}

async function runSend(io: CliIo, flags: SendFlags): Promise<number> {
  const companyIds = flags.companiesFile === undefined ? companyIdsUpTo(flags.companies) : readCompanyIdsFile(path.resolve(io.cwd, flags.companiesFile));
  const count = sendCount(flags);
  const generator = resolveGeneratorOptions({
    companyIds,
    runId: flags.runId ?? newRunId(),
    seed: flags.seed ?? randomBytes(4).readUInt32BE(),
    format: flags.format,
    invalidRatio: flags.invalidRatio,
    duplicateRatio: flags.duplicateRatio,
    outOfOrderRatio: flags.outOfOrderRatio,
    maxOutOfOrderHours: flags.maxOutOfOrderHours,
  });
  const { kinesis, streamName, logger, retry } = prepare(io, flags, (connection) => connection.streams.jobs);
  const progress = createProgressReporter(io.stdout, 'send');
  let summary: SendSummary;
  try {
    summary = await sendJobEvents(
      {
        ...generator,
        streamName,
        count,
        ratePerSecond: flags.rate,
        concurrency: flags.concurrency,
        lingerMs: flags.lingerMs,
        retry,
        ...(io.signal === undefined ? {} : { signal: io.signal }),
      },
      { kinesis, logger, onProgress: (snapshot) => progress.update(snapshot) },
    );
  } catch (error) {
    progress.stop();
    if (error instanceof SendFailedError) {
      io.stdout.write(formatSendSummary(error.summary));
      writeJsonSummary(io, flags.jsonSummary, error.summary);
    }
    throw error;
  } finally {
    kinesis.destroy();
  }
  progress.stop();
  io.stdout.write(formatSendSummary(summary));
  writeJsonSummary(io, flags.jsonSummary, summary);
  return summary.interrupted ? EXIT_CODES.interrupted : EXIT_CODES.ok;
}

async function runSeed(io: CliIo, flags: SeedFlags): Promise<number> {
  const { kinesis, streamName, logger, retry } = prepare(io, flags, (connection) => connection.streams.companies);
  const progress = createProgressReporter(io.stdout, 'seed-companies');
  const startedAtMs = Date.now();
  try {
    const summary = await seedCompanies(
      { streamName, seed: flags.seed, size: flags.size, concurrency: flags.concurrency, retry },
      { kinesis, logger, onProgress: (snapshot) => progress.update({ ...snapshot, elapsedMs: Date.now() - startedAtMs }) },
    );
    progress.stop();
    io.stdout.write(formatSeedSummary(summary));
    writeJsonSummary(io, flags.jsonSummary, summary);
    return EXIT_CODES.ok;
  } finally {
    progress.stop();
    kinesis.destroy();
  }
}

/** The commander program; actions report their exit code through `setExitCode`. */
export function createProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('job-producer')
    .description('Sends job events and company snapshots to Kinesis: the local stack (.local/endpoints.json) or real AWS.')
    .showHelpAfterError('(add --help for the flags)')
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .exitOverride();

  const send = addCommonOptions(new Command('send'), 'jobs stream (default: the endpoints file\'s, else bigdatajobs)')
    .description('Send generated job events on an open-loop schedule, with optional bad records, duplicates and late event times.')
    .addOption(new Option('--companies <n>', `spread events over comp_0 … comp_{n-1}`).argParser(parsePositiveInt).default(DEFAULT_COMPANIES))
    .addOption(new Option('--companies-file <path>', 'company ids, one per line (instead of --companies)').conflicts('companies'))
    .addOption(new Option('--count <n>', `records to send (default ${DEFAULT_COUNT})`).argParser(parsePositiveInt))
    .addOption(new Option('--duration <seconds>', 'send for this long at --rate (instead of --count)').argParser(parsePositiveNumber).conflicts('count'))
    .addOption(new Option('--rate <events/s>', 'open-loop target rate, or "max"').argParser(parseRate).default(DEFAULT_RATE))
    .addOption(new Option('--format <format>', 'record format; CSV carries no eventID or sentAt').choices(JOB_EVENT_FORMATS).default('json'))
    .addOption(new Option('--invalid-ratio <ratio>', 'share of bad records (0-1)').argParser(parseRatio).default(0))
    .addOption(new Option('--duplicate-ratio <ratio>', 'share of re-sent earlier events, same eventID (0-1, JSON only)').argParser(parseRatio).default(0))
    .addOption(new Option('--out-of-order-ratio <ratio>', 'share of valid events with creationDate moved into the past (0-1)').argParser(parseRatio).default(0))
    .addOption(new Option('--max-out-of-order-hours <hours>', 'how far back out-of-order events go').argParser(parsePositiveNumber).default(6))
    .addOption(new Option('--seed <n>', 'random seed for a reproducible run (default: random, shown in the summary)').argParser(parseInteger))
    .option('--run-id <id>', 'eventID prefix, 1-32 of [A-Za-z0-9_.:-] (default: unique per run)')
    .addOption(new Option('--linger-ms <ms>', 'how long a due event may wait to share a batch').argParser(parseNonNegativeNumber).default(50))
    .action(async (_options: unknown, command: Command) => setExitCode(await runSend(io, command.opts<SendFlags>())));

  const seed = addCommonOptions(new Command('seed-companies'), 'companies stream (default: the endpoints file\'s, else companies)')
    .description('Publish the company data set (the tenant manager\'s) as snapshots with asOf = now.')
    .addOption(new Option('--seed <n>', 'data set seed').argParser(parseInteger).default(DEFAULT_DATASET.seed))
    .addOption(new Option('--size <n>', 'companies comp_0 … comp_{size-1}').argParser(parsePositiveInt).default(DEFAULT_DATASET.size))
    .action(async (_options: unknown, command: Command) => setExitCode(await runSeed(io, command.opts<SeedFlags>())));

  for (const command of [send, seed]) {
    program.addCommand(command.showHelpAfterError('(add --help for the flags)').configureOutput(program.configureOutput()).exitOverride());
  }
  return program;
}

/**
 * Runs the CLI on `args` (without `node` and the script) and returns the exit code: 0 done, 1 an
 * unrecoverable error (stream not found, credentials, entries still rejected), 2 bad usage, 130
 * interrupted. Errors are printed on `io.stderr`, never thrown.
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT_CODES.ok;
  const program = createProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...args], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n`);
      return EXIT_CODES.usage;
    }
    if (error instanceof ProducerError) {
      io.stderr.write(`error: ${error.message}\n`);
      return EXIT_CODES.failure;
    }
    io.stderr.write(`error: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_CODES.failure;
  }
}
