import { loadChurnModel, scoreCompany } from '@tenant-analytics/churn-model';
import { generateCompanies } from '@tenant-analytics/domain';
import { ModelChurnScorer } from './model-scorer';

describe('ModelChurnScorer', () => {
  it('scores a batch in order with the trained model, in one call', async () => {
    // Prepare
    const companies = generateCompanies(42, 5);
    const scorer = new ModelChurnScorer();
    const model = loadChurnModel();

    // Act
    const verdicts = await scorer.score(companies);

    // Assess
    expect(verdicts).toEqual(companies.map((company) => scoreCompany(model, company)));
    expect(scorer.calls).toBe(1);
  });
});
