import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CommanderError } from 'commander';
import { REPO_ROOT } from '@tenant-analytics/local-stack';
import { parseBenchOptions, type BenchOptions } from './bench-options';
import { renderProfileSummary } from './diagnostics/cpu-profile';
import { readMachineInfo } from './machine';
import { renderRunMarkdown, renderScenarioText, replaceLatestSection, writeRunFiles, type BenchRun, type ScenarioId, type ScenarioResult } from './results';
import { coreCpuOptions, runCoreCpuScenario } from './scenarios/core-cpu';
import { endToEndOptions, runEndToEndScenario } from './scenarios/end-to-end';
import { enrichmentOptions, runEnrichmentScenario } from './scenarios/enrichment-latency';
import { runStateCostScenario, stateCostOptions } from './scenarios/state-cost';
import type { ScenarioContext } from './scenarios/scenario-context';

const log = (line: string) => process.stderr.write(`${line}\n`);

function runScenario(id: ScenarioId, options: BenchOptions, context: ScenarioContext): Promise<ScenarioResult> {
  switch (id) {
    case '1':
      return runCoreCpuScenario(coreCpuOptions(options.quick), context);
    case '2':
      return runEnrichmentScenario(enrichmentOptions(options.quick), context);
    case '3':
      return runEndToEndScenario(endToEndOptions(options.quick, options.kinesisBackends, options.diagnose), context);
    case '4':
      return runStateCostScenario(stateCostOptions(options.quick, options.durationSeconds), context);
  }
}

/** Prints the hot spots of every profile a scenario attached. */
function printScenarioProfiles(result: ScenarioResult): void {
  for (const [design, report] of Object.entries(result.profiles ?? {})) {
    console.log(`\nScenario ${result.id}, ${design}, CPU profile of the measured part:`);
    console.log(renderProfileSummary(path.resolve(REPO_ROOT, report.file)));
  }
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  if (options.summarizeProfile !== undefined) {
    console.log(renderProfileSummary(options.summarizeProfile));
    return;
  }
  const startedAt = new Date();
  const context: ScenarioContext = { quick: options.quick, log, ...(options.profileDir === undefined ? {} : { profileDir: options.profileDir }) };
  const scenarios: ScenarioResult[] = [];
  for (const id of options.scenarios) {
    const result = await runScenario(id, options, context);
    scenarios.push(result);
    console.log(`\n${renderScenarioText(result)}`);
    printScenarioProfiles(result);
  }
  const run: BenchRun = {
    startedAt: startedAt.toISOString(),
    quick: options.quick,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: readMachineInfo(),
    scenarios,
  };
  const files = writeRunFiles(options.outDir, run);
  console.log(`\nResults: ${path.relative(process.cwd(), files.json)}, ${path.relative(process.cwd(), files.markdown)}`);
  if (options.updateDocs) {
    const document = readFileSync(options.docsFile, 'utf8');
    const section = `${renderRunMarkdown(run)}\n\nFiles: \`${path.relative(path.dirname(options.docsFile), files.json)}\`, \`${path.relative(path.dirname(options.docsFile), files.markdown)}\`.`;
    writeFileSync(options.docsFile, replaceLatestSection(document, section));
    console.log(`Updated ${path.relative(process.cwd(), options.docsFile)}`);
  }
  const missed = scenarios.flatMap((scenario) => scenario.targets.filter((target) => !target.met).map((target) => `scenario ${scenario.id}: ${target.target} (${target.measured})`));
  console.log(missed.length === 0 ? 'Every target met.' : `Targets missed:\n${missed.map((line) => `  - ${line}`).join('\n')}`);
}

main().catch((error: unknown) => {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
