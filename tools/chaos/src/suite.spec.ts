import type { SuiteSettings } from './chaos-pipeline';
import { LogCapture, newSuiteSecrets } from './log-scan';
import { abortedResult, type Scenario } from './scenario';
import { runSuite } from './suite';

const settings: SuiteSettings = { kinesisBackend: 'kinesalite', secrets: newSuiteSecrets(), logs: new LogCapture(), seed: 3, progress: () => undefined };

function scenario(id: string, verdict: 'PASS' | 'FAIL', order: string[]): Scenario {
  return {
    id,
    title: id,
    run: async () => {
      order.push(id);
      return { ...abortedResult({ id, title: id }, 'x', 0, Date.now()), verdict };
    },
  };
}

describe('runSuite', () => {
  it('runs the scenarios in order and passes only if every one passes', async () => {
    const order: string[] = [];

    const passing = await runSuite([scenario('a', 'PASS', order), scenario('b', 'PASS', order)], settings);
    const failing = await runSuite([scenario('c', 'FAIL', order), scenario('d', 'PASS', order)], settings);

    expect(order).toEqual(['a', 'b', 'c', 'd']);
    expect(passing).toMatchObject({ verdict: 'PASS', seed: 3, kinesisBackend: 'kinesalite' });
    expect(failing.verdict).toBe('FAIL');
    expect(failing.results.map(({ id }) => id)).toEqual(['c', 'd']);
  });
});
