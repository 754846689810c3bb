import { HttpStatusError } from '@tenant-analytics/domain';
import { InMemoryMetrics } from '../adapters/in-memory-metrics';
import { TEST_SCORING } from '../testing/factories';
import { churnFeaturesFactory } from '../testing/record-fixtures';
import { MemoryLogger } from '../testing/in-memory-adapters';
import { ChurnScoringService, type ScoringSettings } from './churn-scoring';
import type { ChurnFeaturesWithId, ChurnScorer, ChurnVerdict } from './ports';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const unavailable = () => new HttpStatusError({ method: 'POST', url: 'https://churn.example.test/predict', status: 503 });

/**
 * A scorer whose answer per call is scripted; it records every batch it was sent and the highest
 * number of calls it had in flight at once.
 */
class ScriptedScorer implements ChurnScorer {
  readonly batches: (readonly ChurnFeaturesWithId[])[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    private readonly answer: (batch: readonly ChurnFeaturesWithId[], call: number, signal?: AbortSignal) => Promise<ChurnVerdict[]> = verdicts,
    readonly maxBatchSize = 1_000,
  ) {}

  get calls(): number {
    return this.batches.length;
  }

  async score(batch: readonly ChurnFeaturesWithId[], signal?: AbortSignal): Promise<ChurnVerdict[]> {
    this.batches.push(batch);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      return await this.answer(batch, this.batches.length, signal);
    } finally {
      this.inFlight -= 1;
    }
  }
}

/** A verdict derived from the company, so that tests can tell whose verdict came back. */
async function verdicts(batch: readonly ChurnFeaturesWithId[]): Promise<ChurnVerdict[]> {
  return batch.map((company) => ({ churn: company.job30 % 2 === 0, probability: company.revenu / 100_000 }));
}

function serviceFactory(scorer: ChurnScorer, overrides: Partial<ScoringSettings> = {}) {
  const metrics = new InMemoryMetrics();
  const logger = new MemoryLogger();
  const service = new ChurnScoringService(scorer, { ...TEST_SCORING, ...overrides }, metrics, logger);
  return { service, metrics, logger };
}

const distinctCompanies = (count: number) => Array.from({ length: count }, (_, index) => churnFeaturesFactory(index));

describe('ChurnScoringService', () => {
  it('scores identical feature vectors once and gives every company its verdict', async () => {
    // Prepare: comp_0 and a twin with the same features under another id
    const scorer = new ScriptedScorer();
    const { service, metrics } = serviceFactory(scorer);
    const twin = churnFeaturesFactory(0, { companyID: 'twin_of_comp_0' });
    const companies = [churnFeaturesFactory(0), churnFeaturesFactory(1), twin];

    // Act
    const outcomes = await service.scoreAll(companies);

    // Assess
    expect(scorer.calls).toBe(1);
    expect(scorer.batches[0]?.map((company) => company.companyID)).toEqual(['comp_0', 'comp_1']);
    const expected = await verdicts(companies);
    expect(outcomes).toEqual(expected.map((verdict) => ({ ok: true, verdict })));
    expect(metrics.counter('ScoringDedupedCompanies')).toBe(1);
  });

  it('splits the companies into calls of at most batchSize, in order', async () => {
    // Prepare
    const scorer = new ScriptedScorer();
    const { service, metrics } = serviceFactory(scorer, { batchSize: 4, capacity: 1 });
    const companies = distinctCompanies(10);

    // Act
    const outcomes = await service.scoreAll(companies);

    // Assess
    expect(scorer.batches.map((batch) => batch.length)).toEqual([4, 4, 2]);
    expect(scorer.batches.flat().map((company) => company.companyID)).toEqual(companies.map((company) => company.companyID));
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(metrics.snapshot().observations['ScoringBatchSize']).toEqual({ count: 3, sum: 10, min: 2, max: 4 });
    expect(metrics.counter('ScoringCalls')).toBe(3);
  });

  it('caps the calls at the scorer maxBatchSize when batchSize is larger', async () => {
    // Prepare
    const scorer = new ScriptedScorer(verdicts, 3);
    const { service } = serviceFactory(scorer, { batchSize: 25 });

    // Act
    await service.scoreAll(distinctCompanies(10));

    // Assess
    expect(scorer.batches.map((batch) => batch.length).sort()).toEqual([1, 3, 3, 3]);
  });

  it('keeps at most capacity calls in flight', async () => {
    // Prepare: one company per call, each call takes a while
    const scorer = new ScriptedScorer(async (batch) => {
      await sleep(10);
      return verdicts(batch);
    });
    const { service } = serviceFactory(scorer, { batchSize: 1, capacity: 2 });

    // Act
    const outcomes = await service.scoreAll(distinctCompanies(7));

    // Assess
    expect(scorer.calls).toBe(7);
    expect(scorer.maxInFlight).toBe(2);
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(7);
  });

  it('keeps at most capacity calls in flight across concurrent callers (lanes)', async () => {
    // Prepare: two lanes score at the same time through one service
    const scorer = new ScriptedScorer(async (batch) => {
      await sleep(10);
      return verdicts(batch);
    });
    const { service } = serviceFactory(scorer, { batchSize: 1, capacity: 2 });

    // Act
    const [first, second] = await Promise.all([service.scoreAll(distinctCompanies(4)), service.scoreAll(distinctCompanies(5))]);

    // Assess
    expect(scorer.maxInFlight).toBe(2);
    expect([...first, ...second].every((outcome) => outcome.ok)).toBe(true);
  });

  it('retries retriable failures and succeeds', async () => {
    // Prepare: two 503s, then an answer
    const scorer = new ScriptedScorer(async (batch, call) => {
      if (call <= 2) throw unavailable();
      return verdicts(batch);
    });
    const { service, metrics } = serviceFactory(scorer, { maxAttempts: 3 });
    const companies = distinctCompanies(2);

    // Act
    const outcomes = await service.scoreAll(companies);

    // Assess
    expect(scorer.calls).toBe(3);
    expect(outcomes).toEqual((await verdicts(companies)).map((verdict) => ({ ok: true, verdict })));
    expect(metrics.counter('Retries{dependency=churn}')).toBe(2);
  });

  it('fails after maxAttempts retriable failures with reason exhausted', async () => {
    // Prepare
    const scorer = new ScriptedScorer(async () => {
      throw unavailable();
    });
    const { service } = serviceFactory(scorer, { maxAttempts: 3 });

    // Act
    const [outcome] = await service.scoreAll(distinctCompanies(1));

    // Assess
    expect(scorer.calls).toBe(3);
    expect(outcome).toMatchObject({ ok: false, reason: 'exhausted', attempts: 3, message: expect.stringMatching(/HTTP 503/) });
  });

  it('fails at once, without retrying, on a non-retriable error', async () => {
    // Prepare
    const scorer = new ScriptedScorer(async () => {
      throw new HttpStatusError({ method: 'POST', url: 'https://churn.example.test/predict', status: 400, body: 'bad features' });
    });
    const { service, metrics } = serviceFactory(scorer, { maxAttempts: 5 });

    // Act
    const outcomes = await service.scoreAll(distinctCompanies(2));

    // Assess
    expect(scorer.calls).toBe(1);
    expect(outcomes).toEqual([
      expect.objectContaining({ ok: false, reason: 'not-retriable', attempts: 1 }),
      expect.objectContaining({ ok: false, reason: 'not-retriable', attempts: 1 }),
    ]);
    expect(metrics.counter('Retries')).toBe(0);
  });

  it('retries a call whose reply has the wrong number of verdicts like an outage (the API is broken, no record is at fault)', async () => {
    // Prepare
    const scorer = new ScriptedScorer(async (batch) => (await verdicts(batch)).slice(1));
    const { service } = serviceFactory(scorer);

    // Act
    const outcomes = await service.scoreAll(distinctCompanies(3));

    // Assess
    expect(scorer.calls).toBeGreaterThan(1);
    expect(outcomes[0]).toMatchObject({ ok: false, message: expect.stringMatching(/2 predictions for 3 companies/) });
    expect(outcomes.every((outcome) => !outcome.ok && outcome.reason !== 'not-retriable')).toBe(true);
  });

  it('fails with budget-exceeded when the total timeout runs out, and aborts the call', async () => {
    // Prepare: a scorer that answers only when aborted
    const aborted: boolean[] = [];
    const scorer = new ScriptedScorer(
      (_batch, _call, signal) =>
        new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => {
            aborted.push(true);
            reject(new Error('aborted'));
          });
        }),
    );
    const { service } = serviceFactory(scorer, { totalTimeoutMs: 30 });

    // Act
    const started = Date.now();
    const [outcome] = await service.scoreAll(distinctCompanies(1));

    // Assess
    expect(outcome).toMatchObject({ ok: false, reason: 'budget-exceeded', attempts: 1 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(aborted).toEqual([true]);
  });

  describe('circuit breaker', () => {
    const breaker = { maxAttempts: 1, batchSize: 1, capacity: 1, breakerConsecutiveFailures: 3, breakerHalfOpenAfterMs: 40 } as const;

    /** A scorer that fails with 503 while `down.value` is true. */
    function switchableScorer() {
      const down = { value: true };
      const scorer = new ScriptedScorer(async (batch) => {
        if (down.value) throw unavailable();
        return verdicts(batch);
      });
      return { scorer, down };
    }

    it('opens after the configured number of consecutive retriable failures', async () => {
      // Prepare
      const { scorer } = switchableScorer();
      const { service, metrics } = serviceFactory(scorer, breaker);

      // Act: two failed calls leave it closed, the third opens it
      await service.scoreAll(distinctCompanies(2));
      const openAfterTwo = service.unavailable;
      await service.scoreAll([churnFeaturesFactory(2)]);

      // Assess
      expect(openAfterTwo).toBe(false);
      expect(service.unavailable).toBe(true);
      expect(metrics.counter('BreakerOpen{dependency=churn}')).toBe(1);
    });

    it('fails fast with breaker-open while open, without calling the scorer', async () => {
      // Prepare
      const { scorer, down } = switchableScorer();
      const { service } = serviceFactory(scorer, breaker);
      await service.scoreAll(distinctCompanies(3));
      down.value = false;

      // Act
      const outcomes = await service.scoreAll([churnFeaturesFactory(5), churnFeaturesFactory(6)]);

      // Assess
      expect(scorer.calls).toBe(3);
      expect(outcomes).toEqual([
        expect.objectContaining({ ok: false, reason: 'breaker-open' }),
        expect.objectContaining({ ok: false, reason: 'breaker-open' }),
      ]);
    });

    it('half-opens after the delay and closes when the probe succeeds', async () => {
      // Prepare
      const { scorer, down } = switchableScorer();
      const { service, logger } = serviceFactory(scorer, breaker);
      await service.scoreAll(distinctCompanies(3));
      down.value = false;
      await sleep(breaker.breakerHalfOpenAfterMs + 20);

      // Act
      const [probe] = await service.scoreAll([churnFeaturesFactory(7)]);
      const after = await service.scoreAll(distinctCompanies(2));

      // Assess
      expect(probe).toMatchObject({ ok: true });
      expect(after.every((outcome) => outcome.ok)).toBe(true);
      expect(service.unavailable).toBe(false);
      const states = logger.lines.filter((line) => line.message === 'churn breaker state changed').map((line) => line.fields['state']);
      expect(states).toEqual(['open', 'half-open', 'closed']);
    });

    it('reopens when the half-open probe fails', async () => {
      // Prepare
      const { scorer } = switchableScorer();
      const { service } = serviceFactory(scorer, breaker);
      await service.scoreAll(distinctCompanies(3));
      await sleep(breaker.breakerHalfOpenAfterMs + 20);

      // Act
      const [probe] = await service.scoreAll([churnFeaturesFactory(7)]);

      // Assess
      expect(scorer.calls).toBe(4);
      expect(probe).toMatchObject({ ok: false });
      expect(service.unavailable).toBe(true);
    });
  });
});
