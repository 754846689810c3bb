import { eventually } from './local-pipeline';

describe('eventually', () => {
  it('resolves with the first defined value', async () => {
    let calls = 0;
    const value = await eventually(async () => (++calls === 3 ? 'ready' : undefined), 5_000);
    expect(value).toBe('ready');
    expect(calls).toBe(3);
  });

  it('fails after the timeout naming what it waited for', async () => {
    await expect(eventually(async () => undefined, 300, 'the moon')).rejects.toThrow(/timed out after 300 ms waiting for the moon/);
  });
});
