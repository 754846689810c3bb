import { mapLimited } from './map-limited';

describe('mapLimited', () => {
  it('returns the results in input order with at most `limit` tasks in flight', async () => {
    // Prepare
    let inFlight = 0;
    let most = 0;
    const task = async (item: number): Promise<number> => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, (item % 3) * 2));
      inFlight -= 1;
      return item * 10;
    };

    // Act
    const results = await mapLimited([1, 2, 3, 4, 5, 6, 7], 3, task);

    // Assess
    expect(results).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(most).toBe(3);
  });

  it('rejects with the first failure', async () => {
    await expect(mapLimited([1, 2], 2, async (item) => (item === 2 ? Promise.reject(new Error('boom')) : item))).rejects.toThrow('boom');
  });

  it('returns an empty list for no items', async () => {
    expect(await mapLimited([], 4, async () => 1)).toEqual([]);
  });
});
