import { Command } from 'commander';
import { DEFAULT_MODEL_PATH, readChurnModelArtifact } from '../load-churn-model';
import { formatEvaluationTable } from '../metrics-table';
import { DEFAULT_METRICS_PATH, differingPaths, evaluateArtifact, readMetricsReport } from '../training-run';

/** The acceptance bar for held-out accuracy. */
const MIN_ACCURACY = 0.97;

/**
 * `npx nx evaluate churn-model`: loads the committed artifact, rebuilds the held-out split from
 * the recorded seed, prints the metrics and exits 1 when accuracy is below 0.97 or the result
 * differs from the committed metrics.json.
 */
const options = new Command('evaluate')
  .description('Evaluate the churn model artifact on its held-out split')
  .option('--model <path>', 'model artifact', DEFAULT_MODEL_PATH)
  .option('--metrics <path>', 'recorded metrics to compare with', DEFAULT_METRICS_PATH)
  .parse()
  .opts<{ model: string; metrics: string }>();

const artifact = readChurnModelArtifact(options.model);
const evaluation = evaluateArtifact(artifact);
const { candidates: _candidates, selection: _selection, ...recorded } = readMetricsReport(options.metrics);
console.log(`${artifact.kind}, data seed ${evaluation.dataset.seed}, ${evaluation.dataset.size} companies, ${evaluation.dataset.testCount} held out\n`);
console.log(`${formatEvaluationTable(evaluation)}\n`);

const mismatches = differingPaths(recorded, evaluation);
if (mismatches.length > 0) {
  console.error(`FAIL: the evaluation differs from ${options.metrics} at ${mismatches.join(', ')}`);
  process.exitCode = 1;
}
if (evaluation.heldOut.accuracy < MIN_ACCURACY) {
  console.error(`FAIL: held-out accuracy ${evaluation.heldOut.accuracy} < ${MIN_ACCURACY}`);
  process.exitCode = 1;
}
if (process.exitCode !== 1) {
  console.log(`OK: held-out accuracy ${evaluation.heldOut.accuracy} ≥ ${MIN_ACCURACY}, matches ${options.metrics}`);
}
