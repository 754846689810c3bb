import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { KINESIS_BACKENDS, REPO_ROOT, type KinesisBackend } from '@tenant-analytics/local-stack';
import type { SuiteSettings } from './chaos-pipeline';
import { LogCapture, newSuiteSecrets } from './log-scan';
import { formatTable, writeReports } from './report';
import type { Scenario } from './scenario';
import { allScenarios } from './scenarios';
import { runSuite } from './suite';

interface Flags {
  readonly soak: boolean;
  readonly soakMinutes: number;
  readonly only?: string[];
  readonly backend: KinesisBackend;
  readonly soakBackend: KinesisBackend;
  readonly seed: number;
  readonly reportDir: string;
}

function positiveNumber(flag: string): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!(Number.isFinite(number) && number > 0)) throw new InvalidArgumentError(`${flag} must be a positive number, got ${value}`);
    return number;
  };
}

function integer(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`must be a non-negative integer, got ${value}`);
  return Number(value);
}

function backend(value: string): KinesisBackend {
  if (!(KINESIS_BACKENDS as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${KINESIS_BACKENDS.join(', ')}, got ${value}`);
  return value as KinesisBackend;
}

/** The scenarios to run: all but the soak (unless asked for), or those named with --only. */
function selectScenarios(flags: Flags): Scenario[] {
  const scenarios = allScenarios({ soakMinutes: flags.soakMinutes, soakBackend: flags.soakBackend });
  const known = scenarios.map((scenario) => scenario.id);
  const unknown = (flags.only ?? []).filter((id) => !known.includes(id));
  if (unknown.length > 0) throw new InvalidArgumentError(`--only: unknown scenario(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  return scenarios.filter((scenario) => (flags.only === undefined ? scenario.id !== 'soak' || flags.soak : flags.only.includes(scenario.id)));
}

/** `npm run chaos [-- --soak] [--only id…]`: runs the suite, prints the table, writes the reports. */
async function main(argv: readonly string[]): Promise<number> {
  const flags = new Command('chaos')
    .description('Reliability suite: runs the real local pipeline under faults, crashes, bad input and load, and accounts for every record.')
    .option('--soak', 'also run the soak scenario', false)
    .option('--soak-minutes <minutes>', 'length of the soak', positiveNumber('--soak-minutes'), 10)
    .option('--only <ids...>', 'run only these scenarios (ids as in the README)')
    .option('--backend <name>', `Kinesis emulator (${KINESIS_BACKENDS.join(' | ')})`, backend, 'kinesis-local')
    .option('--soak-backend <name>', 'Kinesis emulator of the soak (kinesis-local slows as its streams fill)', backend, 'kinesalite')
    .option('--seed <n>', 'seed of the generated traffic and the kill times', integer, 42)
    .option('--report-dir <dir>', 'where to write chaos-<timestamp>.{json,md}', path.join(REPO_ROOT, '.local/reports'))
    .parse(argv)
    .opts<Flags>();
  const scenarios = selectScenarios(flags);
  const settings: SuiteSettings = {
    kinesisBackend: flags.backend,
    secrets: newSuiteSecrets(),
    logs: new LogCapture(),
    seed: flags.seed,
    progress: (message) => process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${message}\n`),
  };
  settings.progress(`running ${scenarios.map((scenario) => scenario.id).join(', ')} on ${flags.backend}`);
  const report = await runSuite(scenarios, settings);
  const files = writeReports(flags.reportDir, report, settings.logs.lines);
  console.log(formatTable(report.results));
  for (const result of report.results.filter((row) => row.verdict === 'FAIL')) {
    console.log(`\n${result.title}: failed checks`);
    for (const failed of result.checks.filter((row) => !row.ok)) console.log(`  - ${failed.name}: ${failed.detail}`);
  }
  console.log(`\n${report.verdict}: reports in ${path.relative(process.cwd(), files.markdown)} and ${path.relative(process.cwd(), files.json)}`);
  return report.verdict === 'PASS' ? 0 : 1;
}

main(process.argv)
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    process.stderr.write(`chaos: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
