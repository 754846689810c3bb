export * from './artifact';
export * from './boosted-trees';
export * from './churn-model';
export * from './errors';
export * from './load-churn-model';
export * from './logistic-regression';
