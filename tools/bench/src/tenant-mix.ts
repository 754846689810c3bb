/** How events spread over companies: uniformly, or by Zipf's law (the company of rank k gets a share ∝ 1/k^exponent). */
export type TenantMix = { readonly kind: 'uniform' } | { readonly kind: 'zipf'; readonly exponent: number };

/** `zipf(1.1)` or `uniform`. */
export function tenantMixName(mix: TenantMix): string {
  return mix.kind === 'uniform' ? 'uniform' : `zipf(${mix.exponent})`;
}

/**
 * Each of `count` companies' share of the events (summing to 1), rank 1 first.
 *
 * @throws RangeError when `count` is not a positive integer or the exponent is negative
 */
export function tenantShares(count: number, mix: TenantMix): number[] {
  if (!(Number.isInteger(count) && count > 0)) throw new RangeError(`the number of companies must be a positive integer, got ${count}`);
  if (mix.kind === 'uniform') return Array.from({ length: count }, () => 1 / count);
  if (!(mix.exponent >= 0)) throw new RangeError(`a Zipf exponent must be 0 or more, got ${mix.exponent}`);
  const weights = Array.from({ length: count }, (_, index) => (index + 1) ** -mix.exponent);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => weight / total);
}

/**
 * A list of company ids in which each company appears in proportion to its share, `slots` entries
 * long (largest remainder, so the counts add up exactly): picking uniformly from it — what the job
 * producer's generator does with its `companyIds` — draws companies with the mix's distribution.
 * Every company keeps at least one slot, so none of them is left out; with 10,000 companies,
 * Zipf(1.1) and 10⁶ slots the rarest company has ~6 slots, so the quantization is below 10 % for
 * every company and far below it for the busy ones that decide the cost.
 *
 * @throws RangeError when `slots` is smaller than the number of companies
 */
export function weightedCompanyIds(companyIds: readonly string[], mix: TenantMix, slots: number): string[] {
  if (mix.kind === 'uniform') return [...companyIds];
  if (!(Number.isInteger(slots) && slots >= companyIds.length)) throw new RangeError(`slots must be an integer of at least the number of companies (${companyIds.length}), got ${slots}`);
  const shares = tenantShares(companyIds.length, mix);
  const exact = shares.map((share) => share * slots);
  const counts = exact.map((value) => Math.max(1, Math.floor(value)));
  let left = slots - counts.reduce((sum, value) => sum + value, 0);
  // Hand the slots left over to the largest remainders; take slots the minimum of 1 overspent from the busiest companies.
  const order = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => (left >= 0 ? b.remainder - a.remainder : (counts[b.index] as number) - (counts[a.index] as number)) || a.index - b.index);
  for (let position = 0; left !== 0; position = (position + 1) % order.length) {
    const { index } = order[position] as { index: number };
    if (left > 0) {
      counts[index] = (counts[index] as number) + 1;
      left -= 1;
    } else if ((counts[index] as number) > 1) {
      counts[index] = (counts[index] as number) - 1;
      left += 1;
    }
  }
  const ids: string[] = [];
  companyIds.forEach((id, index) => {
    for (let copy = 0; copy < (counts[index] as number); copy++) ids.push(id);
  });
  return ids;
}

/**
 * Expected distinct companies in a batch of `events` independent draws from `shares`:
 * Σ 1 − (1 − pᵢ)^events. Every batch writes each of its distinct companies once (ARCHITECTURE.md
 * §3), so this over `events` is the company writes per event the mix implies.
 */
export function expectedDistinctCompanies(shares: readonly number[], events: number): number {
  return shares.reduce((sum, share) => sum + 1 - (1 - share) ** events, 0);
}
