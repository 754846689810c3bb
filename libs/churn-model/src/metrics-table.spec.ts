import { formatComparisonTable, formatEvaluationTable } from './metrics-table';
import { SMALL_TRAINING_CONFIG } from './test-fixtures';
import { trainChurnModel } from './training-run';

describe('metrics tables', () => {
  const { metrics } = trainChurnModel(SMALL_TRAINING_CONFIG);

  it('formats the evaluation with one column per data slice', () => {
    // Act
    const lines = formatEvaluationTable(metrics).split('\n');

    // Assess
    expect(lines[0]).toBe('| metric | held-out | held-out, as generated | held-out, grown | tenant data set (seed 42) |');
    expect(lines[1]).toBe('| --- | --- | --- | --- | --- |');
    expect(lines[3]).toBe(`| accuracy | ${metrics.heldOut.accuracy.toFixed(4)} | ${metrics.heldOutBySegment.asGenerated.accuracy.toFixed(4)} | ${metrics.heldOutBySegment.grown.accuracy.toFixed(4)} | ${metrics.tenantDataset.metrics.accuracy.toFixed(4)} |`);
  });

  it('formats one comparison row per candidate', () => {
    // Act
    const lines = formatComparisonTable(metrics).split('\n');

    // Assess
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/^\| logistic-regression \| 300 \| 0\.\d{4} \| /);
  });
});
