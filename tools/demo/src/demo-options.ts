import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_DATASET } from '@tenant-analytics/domain';
import { KINESIS_BACKENDS, LOCAL_STACK_BACKENDS, REPO_ROOT, type KinesisBackend, type LocalStackBackend } from '@tenant-analytics/local-stack';

/** What `npm start` runs; every flag has a default (see {@link parseDemoArgs}). */
export interface DemoOptions {
  /** Job events to send in all (valid, invalid and duplicates). */
  readonly events: number;
  /** Over how many seconds (open loop: events / duration per second). */
  readonly durationSeconds: number;
  readonly invalidRatio: number;
  readonly duplicateRatio: number;
  readonly outOfOrderRatio: number;
  /** Companies seeded on the companies stream and picked by events: `comp_0 … comp_{n-1}`. */
  readonly companies: number;
  /** Seed of the event generator (same seed, same events). */
  readonly seed: number;
  readonly kinesisBackend: KinesisBackend;
  /** Where the emulators and services run; undefined: `LOCAL_STACK_BACKEND`, else `auto` (containers when a Docker engine answers). */
  readonly backend: LocalStackBackend | undefined;
  /** Leave the stack and the processor running after the summary, until Ctrl-C. */
  readonly keepRunning: boolean;
  /** Free ports for everything instead of the fixed 4567/4568/4569/4010/4011. */
  readonly freePorts: boolean;
  /** Where the HTML report is written. */
  readonly reportDir: string;
  /** How long to wait for the pipeline to process everything once the events are sent. */
  readonly drainTimeoutSeconds: number;
  /** `local`: the processor's local runner; `lambda`: `src/handler.ts` behind the emulated event source mappings. */
  readonly runtime: DemoRuntime;
  /** Port of the live view on 127.0.0.1 (0 = a free port). */
  readonly liveViewPort: number;
  /** `--endpoints <file>`: AWS-compatible endpoints (LocalStack, moto, AWS) instead of the emulators. */
  readonly endpoints: string | undefined;
}

/** The processor runtimes the demo can run (`nx serve processor -- --runtime …`). */
export const DEMO_RUNTIMES = ['local', 'lambda'] as const;
export type DemoRuntime = (typeof DEMO_RUNTIMES)[number];

/** The default workload: 20,000 events over about 20 s, 1% invalid, 1% duplicates, 2% late. */
export const DEFAULT_DEMO_OPTIONS: DemoOptions = {
  events: 20_000,
  durationSeconds: 20,
  invalidRatio: 0.01,
  duplicateRatio: 0.01,
  outOfOrderRatio: 0.02,
  companies: DEFAULT_DATASET.size,
  seed: 7,
  kinesisBackend: 'kinesalite',
  backend: undefined,
  keepRunning: false,
  freePorts: false,
  reportDir: path.join(REPO_ROOT, '.local', 'reports'),
  drainTimeoutSeconds: 180,
  runtime: 'local',
  liveViewPort: 0,
  endpoints: undefined,
};

function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < min || number > max) {
      throw new InvalidArgumentError(`expected an integer between ${min} and ${max}, got ${JSON.stringify(value)}`);
    }
    return number;
  };
}

function numberIn(min: number, max: number, what: string): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number) || number < min || number > max) {
      throw new InvalidArgumentError(`expected ${what}, got ${JSON.stringify(value)}`);
    }
    return number;
  };
}

const ratio = numberIn(0, 1, 'a ratio between 0 and 1');

/** The commander program of `npm start` (exported for its help text). */
export function demoCommand(): Command {
  const d = DEFAULT_DEMO_OPTIONS;
  return new Command('npm start --')
    .description(
      'Runs the whole pipeline on the local stack: starts the emulators, both mock services and the processor, seeds companies, sends a workload, waits until every event is accounted for, prints a summary, writes an HTML report and stops everything.',
    )
    .option('--events <n>', 'job events to send (valid, invalid and duplicates)', integerIn(1, 10_000_000), d.events)
    .option('--duration <seconds>', 'send them over this many seconds (open loop)', numberIn(0.1, 86_400, 'seconds between 0.1 and 86400'), d.durationSeconds)
    .option('--invalid-ratio <ratio>', 'share of bad records (dead-lettered)', ratio, d.invalidRatio)
    .option('--duplicate-ratio <ratio>', 'share of re-sent events (skipped by the processor)', ratio, d.duplicateRatio)
    .option('--out-of-order-ratio <ratio>', 'share of events with a late creationDate', ratio, d.outOfOrderRatio)
    .option('--companies <n>', `companies seeded and used (the tenant data set has ${DEFAULT_DATASET.size})`, integerIn(1, DEFAULT_DATASET.size), d.companies)
    .option('--seed <n>', 'seed of the event generator', integerIn(0, 2 ** 31 - 1), d.seed)
    .addOption(
      new Option('--kinesis-backend <backend>', 'Kinesis emulator (kinesalite is fast; kinesis-local is the faithful kinesis-mock)').choices(KINESIS_BACKENDS).default(d.kinesisBackend),
    )
    .addOption(
      new Option('--backend <backend>', 'where the emulators and services run: processes, containers (needs a Docker engine), auto (containers when an engine answers); default: LOCAL_STACK_BACKEND, else auto').choices(
        LOCAL_STACK_BACKENDS,
      ),
    )
    .option('--keep-running', 'leave the stack and the processor running after the summary (Ctrl-C stops them)', d.keepRunning)
    .option('--free-ports', 'use free ports instead of the fixed ones (to run beside another local stack)', d.freePorts)
    .option('--report-dir <dir>', 'where to write the HTML report', d.reportDir)
    .option('--drain-timeout <seconds>', 'how long to wait for the pipeline to process everything', integerIn(1, 86_400), d.drainTimeoutSeconds)
    .addOption(
      new Option('--runtime <runtime>', 'processor runtime: local (the shard-lanes runner) or lambda (src/handler.ts behind emulated event source mappings)')
        .choices(DEMO_RUNTIMES)
        .default(d.runtime),
    )
    .option(
      '--endpoints <file>',
      'run on the AWS-compatible endpoints in this JSON file (LocalStack, moto, AWS) instead of starting emulators; the streams, bucket and table are created there when missing and should start empty (see tools/local-stack/README.md#bring-your-own-endpoints)',
    )
    .option('--live-view-port <port>', 'port of the live view on 127.0.0.1 (0 = a free port; the URL is printed)', integerIn(0, 65_535), d.liveViewPort)
    .showHelpAfterError();
}

/**
 * Parses `npm start -- [flags]` (argv as in `process.argv`).
 *
 * @throws CommanderError (commander's exit override) for an unknown flag or a bad value, naming the flag;
 *   `code` is `commander.helpDisplayed` for --help.
 */
export function parseDemoArgs(argv: readonly string[], output?: { writeOut: (text: string) => void; writeErr: (text: string) => void }): DemoOptions {
  const command = demoCommand().exitOverride();
  if (output !== undefined) command.configureOutput(output);
  const flags = command.parse(argv).opts<{
    events: number;
    duration: number;
    invalidRatio: number;
    duplicateRatio: number;
    outOfOrderRatio: number;
    companies: number;
    seed: number;
    kinesisBackend: KinesisBackend;
    backend?: LocalStackBackend;
    keepRunning: boolean;
    freePorts: boolean;
    reportDir: string;
    drainTimeout: number;
    runtime: DemoRuntime;
    liveViewPort: number;
    endpoints?: string;
  }>();
  if (flags.endpoints !== undefined && command.getOptionValueSource('kinesisBackend') === 'cli') {
    command.error('error: --kinesis-backend cannot be combined with --endpoints: no emulator runs', { code: 'commander.conflictingOption', exitCode: 2 });
  }
  if (flags.invalidRatio + flags.duplicateRatio > 1) {
    command.error(`error: --invalid-ratio + --duplicate-ratio must be at most 1, got ${flags.invalidRatio + flags.duplicateRatio}`, {
      code: 'commander.invalidArgument',
      exitCode: 2,
    });
  }
  return {
    events: flags.events,
    durationSeconds: flags.duration,
    invalidRatio: flags.invalidRatio,
    duplicateRatio: flags.duplicateRatio,
    outOfOrderRatio: flags.outOfOrderRatio,
    companies: flags.companies,
    seed: flags.seed,
    kinesisBackend: flags.kinesisBackend,
    backend: flags.backend,
    keepRunning: flags.keepRunning,
    freePorts: flags.freePorts,
    reportDir: path.resolve(flags.reportDir),
    drainTimeoutSeconds: flags.drainTimeout,
    runtime: flags.runtime,
    liveViewPort: flags.liveViewPort,
    endpoints: flags.endpoints === undefined ? undefined : path.resolve(flags.endpoints),
  };
}
