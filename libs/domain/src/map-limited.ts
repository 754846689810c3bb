/**
 * Runs `task` over `items` with at most `limit` tasks in flight and returns the results in input
 * order. Rejects with the first failure (tasks already started run to completion).
 *
 * @example
 * const bodies = await mapLimited(keys, 8, (key) => fetchObject(key));
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
