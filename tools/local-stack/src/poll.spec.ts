import { pollUntil } from './poll';

describe('pollUntil', () => {
  it('returns done once the check passes, counting throws as "not yet"', async () => {
    // Prepare
    let calls = 0;
    const check = async (): Promise<boolean> => {
      calls += 1;
      if (calls === 1) throw new Error('connection refused');
      return calls === 3;
    };

    // Act
    const outcome = await pollUntil(check, { timeoutMs: 5_000, intervalMs: 1 });

    // Assess
    expect(outcome).toEqual({ done: true });
    expect(calls).toBe(3);
  });

  it('fails with a timeout and the last error when the check never passes', async () => {
    // Prepare
    const refused = new Error('connection refused');

    // Act
    const outcome = await pollUntil(() => Promise.reject(refused), { timeoutMs: 30, intervalMs: 5 });

    // Assess
    expect(outcome).toEqual({ done: false, reason: 'timeout', lastError: refused });
  });

  it('stops early when the interrupt settles, even if it rejects', async () => {
    // Prepare
    let fail: (reason: Error) => void = () => undefined;
    const interrupt = new Promise<never>((_resolve, reject) => (fail = reject));
    setTimeout(() => fail(new Error('child exited')), 20);
    const startedAt = Date.now();

    // Act
    const outcome = await pollUntil(async () => false, { timeoutMs: 10_000, intervalMs: 1_000, interrupt });

    // Assess
    expect(outcome).toMatchObject({ done: false, reason: 'interrupted' });
    expect(Date.now() - startedAt).toBeLessThan(1_000);
  });
});
