import { loadChurnModel, scoreCompany, type ChurnModel } from '@tenant-analytics/churn-model';
import type { ChurnFeaturesWithId, ChurnScorer, ChurnVerdict } from '@tenant-analytics/processor';

/**
 * The trained churn model (`@tenant-analytics/churn-model`, the artifact the churn mock serves)
 * called in process: scenario 1 measures the pipeline's CPU path, not a network.
 */
export class ModelChurnScorer implements ChurnScorer {
  /** Calls made so far (one per batch for our design, one per event for the seed's). */
  calls = 0;

  constructor(
    private readonly model: ChurnModel = loadChurnModel(),
    readonly maxBatchSize = 1_000,
  ) {}

  async score(companies: readonly ChurnFeaturesWithId[]): Promise<ChurnVerdict[]> {
    this.calls += 1;
    return companies.map((company) => scoreCompany(this.model, company));
  }
}
