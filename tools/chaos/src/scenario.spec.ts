import type { AccountingReport, RunnerExit, RunStats } from '@tenant-analytics/pipeline-harness';
import { ChaosPipeline, type PipelineOutcome, type SuiteSettings } from './chaos-pipeline';
import { LogCapture, newSuiteSecrets } from './log-scan';
import { abortedResult, check, runOnPipeline, scenarioResult } from './scenario';

const cleanReport: AccountingReport = {
  records: 10,
  enriched: 8,
  deadLettersByReason: { 'bad-type': 2 },
  duplicatesSkipped: 0,
  duplicatesInS3: [],
  appliedTwice: [],
  missing: [],
  surplus: [],
  wrongOutcome: [],
  unexpected: { enriched: [], deadLetters: [] },
  stream: { missing: [], unexpected: [], redelivered: 3 },
  counters: { companies: 4, mismatches: [] },
  rollingCounts: { checked: 5, mismatches: [] },
  ok: true,
};

/** How a runner process ended; `clean` is what the checks read. */
const runnerExit = (clean: boolean): RunnerExit => ({ code: clean ? 0 : 1, signal: null, clean, drained: clean, metrics: undefined, outputTail: '' }) as RunnerExit;

const outcome = (accounting: Partial<AccountingReport> = {}): PipelineOutcome => ({
  accounting: { ...cleanReport, ...accounting },
  stats: { latencyMs: { count: 8, p50: 10, p90: 20, p99: 30, max: 1_234, mean: 12 } } as RunStats,
  deadLetters: [],
  mismatchedStates: [],
  lastRunner: runnerExit(true),
});

const meta = { id: 'x', title: '9 example' };

describe('scenarioResult', () => {
  it('passes a clean outcome and fills the table columns from the accounting', () => {
    const result = scenarioResult(meta, { outcome: outcome(), checks: [check('own check', true, 'fine')], notes: ['n'] }, Date.now() - 1_000);

    expect(result).toMatchObject({ title: '9 example', events: 10, enriched: 8, deadLettersByReason: { 'bad-type': 2 }, duplicatesFound: 0, counterMismatches: 0, maxLagMs: 1_234, verdict: 'PASS', notes: ['n'] });
    expect(result.checks.map(({ name }) => name)).toEqual([
      'every record accounted for',
      'no duplicates in S3',
      'counters equal the recomputation',
      'enriched job30/job90 are running counts',
      'output stream holds every S3 record',
      'runner drained on SIGTERM',
      'own check',
    ]);
    expect(result.discrepancies).toBeUndefined();
  });

  it('fails on duplicates, mismatched counters or a failed own check, counting each duplicate once', () => {
    const result = scenarioResult(
      meta,
      {
        outcome: outcome({ duplicatesInS3: [{ eventID: 'e1', copies: 3 }], appliedTwice: ['event:e1', 'event:e2'], counters: { companies: 4, mismatches: [{ companyID: 'comp_1', expected: 2, actual: 4 }] } }),
        checks: [check('own check', false, 'broken')],
      },
      Date.now(),
    );

    expect(result.verdict).toBe('FAIL');
    expect(result.duplicatesFound).toBe(3);
    expect(result.counterMismatches).toBe(1);
    expect(result.checks.filter(({ ok }) => !ok).map(({ name }) => name)).toEqual(['no duplicates in S3', 'counters equal the recomputation', 'own check']);
    expect(result.discrepancies).toMatchObject({ duplicatesInS3: [{ eventID: 'e1', copies: 3 }], counterMismatches: [{ companyID: 'comp_1' }] });
  });

  it('fails when the last runner did not drain cleanly', () => {
    const unclean = { ...outcome(), lastRunner: runnerExit(false) };

    expect(scenarioResult(meta, { outcome: unclean }, Date.now()).verdict).toBe('FAIL');
  });
});

describe('abortedResult', () => {
  it('is a FAIL row naming the error', () => {
    expect(abortedResult(meta, new Error('did not drain'), 7, Date.now())).toMatchObject({ events: 7, verdict: 'FAIL', checks: [{ ok: false, detail: 'did not drain' }] });
  });
});

describe('runOnPipeline', () => {
  const settings: SuiteSettings = { kinesisBackend: 'kinesalite', secrets: newSuiteSecrets(), logs: new LogCapture(), seed: 1, progress: () => undefined };

  it('turns an error of the body into a FAIL row and stops the pipeline', async () => {
    // Prepare: a pipeline that only records being stopped
    const stop = jest.fn(async () => undefined);
    jest.spyOn(ChaosPipeline, 'start').mockResolvedValue({ records: [1, 2], stop } as unknown as ChaosPipeline);

    // Act
    const result = await runOnPipeline(meta, settings, {}, async () => {
      throw new Error('the churn mock refused');
    });

    // Assess
    expect(result).toMatchObject({ verdict: 'FAIL', events: 2, checks: [{ name: 'scenario ran to its end', detail: 'the churn mock refused' }] });
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('turns a pipeline that cannot start into a FAIL row saying why', async () => {
    jest.spyOn(ChaosPipeline, 'start').mockRejectedValue(new Error('kinesis did not answer'));

    const result = await runOnPipeline(meta, settings, {}, async () => ({ outcome: outcome() }));

    expect(result).toMatchObject({ verdict: 'FAIL', events: 0, checks: [{ detail: 'kinesis did not answer' }] });
  });
});
