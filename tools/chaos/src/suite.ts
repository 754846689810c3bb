import type { SuiteSettings } from './chaos-pipeline';
import type { SuiteReport } from './report';
import type { Scenario, ScenarioResult } from './scenario';

/**
 * Runs scenarios one after the other (each on its own pipeline: the machine has few cores) and
 * collects their rows; a scenario that throws becomes a FAIL row, the others still run.
 */
export async function runSuite(scenarios: readonly Scenario[], settings: SuiteSettings): Promise<SuiteReport> {
  const startedAt = new Date().toISOString();
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) results.push(await scenario.run(settings));
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    kinesisBackend: settings.kinesisBackend,
    seed: settings.seed,
    node: process.version,
    results,
    verdict: results.every((result) => result.verdict === 'PASS') ? 'PASS' : 'FAIL',
  };
}
