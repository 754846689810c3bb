import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { KINESIS_BACKENDS, REPO_ROOT, type KinesisBackend } from '@tenant-analytics/local-stack';
import { SCENARIO_IDS, type ScenarioId } from './results';

/** What `npm run bench -- …` asked for. */
export interface BenchOptions {
  readonly scenarios: readonly ScenarioId[];
  readonly quick: boolean;
  /** Folder of the result files. */
  readonly outDir: string;
  readonly kinesisBackends: readonly KinesisBackend[];
  /** Folder for `.cpuprofile` files of the measured parts; undefined = no profiling. */
  readonly profileDir?: string;
  /** Time one lane of ours in process in scenario 3, step by step and call by call. */
  readonly diagnose: boolean;
  /** Rewrite the latest-results section of `docs/benchmarks.md`. */
  readonly updateDocs: boolean;
  readonly docsFile: string;
  /** Only summarize this `.cpuprofile` (e.g. from `node --cpu-prof`) and exit. */
  readonly summarizeProfile?: string;
  /** Length of scenario 4's measured step, in seconds. @default - 60, 15 with --quick */
  readonly durationSeconds?: number;
}

/** The default results folder: `bench/results` in the repository. */
export const DEFAULT_OUT_DIR = path.join(REPO_ROOT, 'bench/results');
/** The document that keeps the latest full results. */
export const DOCS_FILE = path.join(REPO_ROOT, 'docs/benchmarks.md');

/** The command line of `npm run bench` (throws instead of exiting when `exitOverride` is set by the caller). */
export function benchCommand(): Command {
  return new Command('bench')
    .description("Benchmarks: the seed's design and ours side by side, in the same run, on this machine (docs/benchmarks.md).")
    .addOption(new Option('--scenario <id>', 'scenario to run: 1 core CPU path, 2 enrichment at model latency, 3 end to end, 4 cost of the state layer').choices([...SCENARIO_IDS, 'all']).default('all'))
    .option('--quick', 'small sizes: a smoke test of the benchmark (about a minute), not figures to compare', false)
    .option('--out <dir>', 'folder for <timestamp>.json and .md results', DEFAULT_OUT_DIR)
    .addOption(new Option('--kinesis-backend <backend>', 'emulator of scenario 3').choices([...KINESIS_BACKENDS, 'both']).default('kinesalite'))
    .option('--profile', 'CPU-profile the measured part of scenarios 1 and 2 and the processor of scenario 3 (.cpuprofile files in <out>/profiles) and print the hot spots', false)
    .option('--diagnose', "scenario 3: also time one lane of ours in this process against the same stack, every effect step and AWS call (notes)", false)
    .option('--no-docs', 'do not update docs/benchmarks.md (a full run of all scenarios does by default)')
    .option('--summarize-profile <file>', 'print the hot spots of a .cpuprofile (e.g. from node --cpu-prof) and exit')
    .addOption(new Option('--duration <seconds>', "length of scenario 4's measured step (default 60, 15 with --quick)").argParser(positiveSeconds));
}

/** `--duration`: a positive whole number of seconds. @throws InvalidArgumentError otherwise */
function positiveSeconds(value: string): number {
  const seconds = Number(value);
  if (!(Number.isInteger(seconds) && seconds > 0)) throw new InvalidArgumentError(`expected a positive whole number of seconds, got ${JSON.stringify(value)}`);
  return seconds;
}

interface RawOptions {
  readonly scenario: string;
  readonly quick: boolean;
  readonly out: string;
  readonly kinesisBackend: string;
  readonly profile: boolean;
  readonly diagnose: boolean;
  readonly docs: boolean;
  readonly summarizeProfile?: string;
  readonly duration?: number;
}

/** Parses `argv` (user arguments only, without `node main.ts`). @throws CommanderError on bad flags */
export function parseBenchOptions(argv: readonly string[], command: Command = benchCommand().exitOverride()): BenchOptions {
  const raw = command.parse([...argv], { from: 'user' }).opts<RawOptions>();
  const scenarios = raw.scenario === 'all' ? SCENARIO_IDS : SCENARIO_IDS.filter((id) => id === raw.scenario);
  const outDir = path.resolve(raw.out);
  return {
    scenarios,
    quick: raw.quick,
    outDir,
    kinesisBackends: raw.kinesisBackend === 'both' ? KINESIS_BACKENDS : KINESIS_BACKENDS.filter((backend) => backend === raw.kinesisBackend),
    ...(raw.profile ? { profileDir: path.join(outDir, 'profiles') } : {}),
    diagnose: raw.diagnose,
    // Only a full run of every scenario is worth keeping as "the latest results".
    updateDocs: raw.docs && !raw.quick && scenarios.length === SCENARIO_IDS.length,
    docsFile: DOCS_FILE,
    ...(raw.summarizeProfile === undefined ? {} : { summarizeProfile: path.resolve(raw.summarizeProfile) }),
    ...(raw.duration === undefined ? {} : { durationSeconds: raw.duration }),
  };
}
