import { DomainError, FEATURE_NAMES } from '@tenant-analytics/domain';
import { assertFeatureVector, scoreCompany, type ChurnModel } from './churn-model';
import { ChurnModelInputError } from './errors';

describe('scoreCompany', () => {
  const company = { industry: 'gov', revenu: 100, employees: 50, job30: 3, job90: 12, monthlyFee: 200, totalFee: 400 };

  function fixedModel(probability: number): ChurnModel & { seen: number[][] } {
    const seen: number[][] = [];
    return { kind: 'fixed', featureNames: FEATURE_NAMES, seen, predictProbability: (features) => (seen.push([...features]), probability) };
  }

  it('scores the domain feature vector of the company', () => {
    // Prepare
    const model = fixedModel(0.2);

    // Act
    scoreCompany(model, company);

    // Assess
    expect(model.seen).toEqual([[100, 50, 3, 12, 200, 400, 0, 0, 0, 0, 1, 0, 0, 0, 0]]);
  });

  it.each([
    [0.49, false],
    [0.5, true],
    [0.93, true],
  ])('turns probability %s into churn %s at the 0.5 threshold', (probability, churn) => {
    expect(scoreCompany(fixedModel(probability), company)).toEqual({ churn, probability });
  });
});

describe('assertFeatureVector', () => {
  it('accepts a vector of the right length', () => {
    expect(() => assertFeatureVector([1, 2], ['a', 'b'])).not.toThrow();
  });

  it('rejects a vector of the wrong length, naming the expected features', () => {
    const assess = () => assertFeatureVector([1], ['a', 'b']);
    expect(assess).toThrow(ChurnModelInputError);
    expect(assess).toThrow('expected 2 features (a, b), got 1');
  });

  it('rejects a non-finite value, naming the feature', () => {
    expect(() => assertFeatureVector([1, Number.NaN], ['a', 'b'])).toThrow(/feature b \(index 1\) is not a finite number/);
  });
});

describe('ChurnModelInputError', () => {
  it('belongs to the domain error family and is not retriable', () => {
    // Act
    const error = new ChurnModelInputError('bad vector', { context: { actual: 3 } });

    // Assess
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ name: 'ChurnModelInputError', retriable: false, context: { actual: 3 } });
  });
});
