import type { SuiteSettings } from '../../src/chaos-pipeline';
import { LogCapture, newSuiteSecrets } from '../../src/log-scan';
import type { ScenarioResult } from '../../src/scenario';
import { badInputScenario, crashRestartScenario, upstreamFaultsScenario } from '../../src/scenarios';

/**
 * The fast subset of the reliability suite (`npm run chaos` runs it all at full scale): scenarios
 * 1, 3 and 5 at small scale, each on its own local stack with the runner as a separate process.
 */
describe('reliability suite, fast subset', () => {
  const settings: SuiteSettings = {
    kinesisBackend: 'kinesis-local',
    secrets: newSuiteSecrets(),
    logs: new LogCapture(),
    seed: 7,
    progress: () => undefined,
  };

  /** The failed checks with their details: an empty list means the scenario passed. */
  const failures = (result: ScenarioResult) => ({
    title: result.title,
    failed: result.checks.filter((check) => !check.ok).map(({ name, detail }) => `${name}: ${detail}`),
    discrepancies: result.verdict === 'PASS' ? undefined : result.discrepancies,
  });

  it('1 upstream faults: retries and the breaker absorb them, every record accounted for', async () => {
    const result = await upstreamFaultsScenario({ events: 400, ratePerSecond: 100, companies: 300 }).run(settings);

    expect(failures(result)).toEqual({ title: result.title, failed: [], discrepancies: undefined });
    expect(result.events).toBe(400);
  });

  it('3 SIGKILL and restart: 5 kills, no duplicates in S3, counters exact', async () => {
    const result = await crashRestartScenario({ eventsPerRound: 100, ratePerSecond: 200, kills: 5 }).run(settings);

    expect(failures(result)).toEqual({ title: result.title, failed: [], discrepancies: undefined });
    expect(result.checks.find((check) => check.name.startsWith('runner SIGKILLed'))?.detail).toMatch(/^5 kills/);
  });

  it('5 bad input: no crash, every bad record dead-lettered with its reason, valid traffic unaffected', async () => {
    const result = await badInputScenario({ validEvents: 300, ratePerSecond: 150, chunk: 25, intervalMs: 50 }).run(settings);

    expect(failures(result)).toEqual({ title: result.title, failed: [], discrepancies: undefined });
    expect(result.events).toBeGreaterThanOrEqual(450);
  });
});
