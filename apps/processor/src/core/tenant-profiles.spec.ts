import { generateCompany, HttpStatusError, ResponseDecodeError } from '@tenant-analytics/domain';
import { InMemoryMetrics } from '../adapters/in-memory-metrics';
import { TEST_LOOKUP } from '../testing/factories';
import { ManualClock, MemoryLogger } from '../testing/in-memory-adapters';
import type { TenantDirectory, TenantLookup } from './ports';
import { TenantProfiles, type TenantLookupSettings } from './tenant-profiles';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const company0 = generateCompany(42, 0);
const company1 = generateCompany(42, 1);

const statusError = (status: number) => new HttpStatusError({ method: 'GET', url: 'http://tenants.example.test/api/v1/tenants/x', status });

/** A directory that knows comp_0 and comp_1 by default; every call is recorded. */
class ScriptedDirectory implements TenantDirectory {
  readonly calls: string[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly answer: (companyID: string, call: number) => Promise<TenantLookup> = knownCompanies) {}

  async lookup(companyID: string): Promise<TenantLookup> {
    this.calls.push(companyID);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      return await this.answer(companyID, this.calls.length);
    } finally {
      this.inFlight -= 1;
    }
  }
}

async function knownCompanies(companyID: string): Promise<TenantLookup> {
  const company = [company0, company1].find((candidate) => candidate.companyID === companyID);
  return company === undefined ? { found: false } : { found: true, company };
}

const ANSWERED_AT = '2026-11-25T10:00:00.000Z';

function profilesFactory(directory: TenantDirectory, overrides: Partial<TenantLookupSettings> = {}) {
  const metrics = new InMemoryMetrics();
  const clock = new ManualClock(new Date(ANSWERED_AT));
  const profiles = new TenantProfiles(directory, { ...TEST_LOOKUP, ...overrides }, metrics, new MemoryLogger(), clock);
  return { profiles, metrics, clock };
}

describe('TenantProfiles', () => {
  it('stamps a cached profile with the time the tenant manager answered, not the time it is used', async () => {
    // Prepare
    const { profiles, clock } = profilesFactory({ lookup: knownCompanies });
    await profiles.lookupAll(['comp_0']);
    clock.advance(50_000);

    // Act
    const outcome = (await profiles.lookupAll(['comp_0'])).get('comp_0');

    // Assess
    expect(outcome).toEqual({ status: 'found', company: company0, answeredAt: ANSWERED_AT });
  });

  it('answers found with the profile and unknown for a 404, looking each id up once', async () => {
    // Prepare
    const directory = new ScriptedDirectory();
    const { profiles, metrics } = profilesFactory(directory);

    // Act
    const outcomes = await profiles.lookupAll(['comp_0', 'comp_404', 'comp_0']);

    // Assess
    expect(outcomes).toEqual(
      new Map([
        ['comp_0', { status: 'found', company: company0, answeredAt: ANSWERED_AT }],
        ['comp_404', { status: 'unknown' }],
      ]),
    );
    expect(directory.calls.sort()).toEqual(['comp_0', 'comp_404']);
    expect(metrics.counter('TenantLookups')).toBe(2);
  });

  it('fails a lookup after maxAttempts retriable errors, saying why', async () => {
    // Prepare
    const directory = new ScriptedDirectory(async () => {
      throw statusError(503);
    });
    const { profiles } = profilesFactory(directory, { maxAttempts: 3 });

    // Act
    const outcomes = await profiles.lookupAll(['comp_0']);

    // Assess
    expect(outcomes.get('comp_0')).toEqual({ status: 'failed', attempts: 3, message: expect.stringMatching(/comp_0 failed \(exhausted\) after 3 attempt\(s\).*HTTP 503/) });
    expect(directory.calls).toHaveLength(3);
  });

  it('fails a lookup at once on a non-retriable error', async () => {
    // Prepare
    const directory = new ScriptedDirectory(async () => {
      throw new ResponseDecodeError('tenant manager returned an invalid tenant');
    });
    const { profiles } = profilesFactory(directory, { maxAttempts: 3 });

    // Act
    const outcomes = await profiles.lookupAll(['comp_0']);

    // Assess
    expect(outcomes.get('comp_0')).toMatchObject({ status: 'failed', attempts: 1, message: expect.stringMatching(/not-retriable/) });
    expect(directory.calls).toHaveLength(1);
  });

  it('retries retriable errors (429, 5xx) and returns the profile', async () => {
    // Prepare: a 429 then a 500 before the answer
    const directory = new ScriptedDirectory(async (companyID, call) => {
      if (call === 1) throw statusError(429);
      if (call === 2) throw statusError(500);
      return knownCompanies(companyID);
    });
    const { profiles, metrics } = profilesFactory(directory, { maxAttempts: 3 });

    // Act
    const outcomes = await profiles.lookupAll(['comp_1']);

    // Assess
    expect(outcomes.get('comp_1')).toEqual({ status: 'found', company: company1, answeredAt: ANSWERED_AT });
    expect(directory.calls).toEqual(['comp_1', 'comp_1', 'comp_1']);
    expect(metrics.counter('Retries{dependency=tenant-manager}')).toBe(2);
  });

  it('answers a second lookup from the cache, found and unknown alike', async () => {
    // Prepare
    const directory = new ScriptedDirectory();
    const { profiles, metrics } = profilesFactory(directory);
    await profiles.lookupAll(['comp_0', 'comp_404']);

    // Act
    const outcomes = await profiles.lookupAll(['comp_0', 'comp_404']);

    // Assess
    expect(directory.calls).toHaveLength(2);
    expect(outcomes).toEqual(
      new Map([
        ['comp_0', { status: 'found', company: company0, answeredAt: ANSWERED_AT }],
        ['comp_404', { status: 'unknown' }],
      ]),
    );
    expect(metrics.counter('TenantLookupCacheHits')).toBe(2);
  });

  it('does not cache a failed lookup', async () => {
    // Prepare: the first lookup fails for good, the next one works
    const directory = new ScriptedDirectory(async (companyID, call) => {
      if (call === 1) throw statusError(400);
      return knownCompanies(companyID);
    });
    const { profiles } = profilesFactory(directory);
    await profiles.lookupAll(['comp_0']);

    // Act
    const outcomes = await profiles.lookupAll(['comp_0']);

    // Assess
    expect(outcomes.get('comp_0')).toEqual({ status: 'found', company: company0, answeredAt: ANSWERED_AT });
    expect(directory.calls).toHaveLength(2);
  });

  it('looks an id up again once its cache entry expired', async () => {
    // Prepare
    const directory = new ScriptedDirectory();
    const { profiles, metrics } = profilesFactory(directory, { cacheTtlMs: 20 });
    await profiles.lookupAll(['comp_0']);
    await profiles.lookupAll(['comp_0']);

    // Act
    await sleep(40);
    await profiles.lookupAll(['comp_0']);

    // Assess
    expect(directory.calls).toEqual(['comp_0', 'comp_0']);
    expect(metrics.counter('TenantLookupCacheHits')).toBe(1);
  });

  it('evicts the least recently used entry beyond cacheMaxEntries', async () => {
    // Prepare
    const directory = new ScriptedDirectory();
    const { profiles } = profilesFactory(directory, { cacheMaxEntries: 2, concurrency: 1 });
    await profiles.lookupAll(['comp_0', 'comp_1', 'comp_2']);

    // Act
    await profiles.lookupAll(['comp_0', 'comp_2']);

    // Assess: comp_0 was evicted by comp_2, comp_2 was still cached
    expect(directory.calls).toEqual(['comp_0', 'comp_1', 'comp_2', 'comp_0']);
  });

  it('keeps at most concurrency lookups in flight', async () => {
    // Prepare
    const directory = new ScriptedDirectory(async (companyID) => {
      await sleep(10);
      return knownCompanies(companyID);
    });
    const { profiles } = profilesFactory(directory, { concurrency: 3 });
    const ids = Array.from({ length: 10 }, (_, index) => `comp_${index}`);

    // Act
    const outcomes = await profiles.lookupAll(ids);

    // Assess
    expect(outcomes.size).toBe(10);
    expect(directory.calls).toHaveLength(10);
    expect(directory.maxInFlight).toBe(3);
  });
});
