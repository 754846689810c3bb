import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { DEFAULT_MODEL_PATH } from '../load-churn-model';
import { formatComparisonTable, formatEvaluationTable } from '../metrics-table';
import { DEFAULT_TRAINING_CONFIG, serialise, trainChurnModel } from '../training-run';

/**
 * `npx nx train churn-model`: trains both candidates with the fixed default config, keeps the
 * better one and writes `model/churn-model.json` and `model/metrics.json`. Deterministic: a rerun
 * rewrites identical bytes.
 */
const options = new Command('train')
  .description('Train the churn model and write churn-model.json and metrics.json')
  .option('--out-dir <dir>', 'directory for churn-model.json and metrics.json', dirname(DEFAULT_MODEL_PATH))
  .parse()
  .opts<{ outDir: string }>();

const startedAt = performance.now();
const { artifact, metrics } = trainChurnModel(DEFAULT_TRAINING_CONFIG);
mkdirSync(options.outDir, { recursive: true });
writeFileSync(join(options.outDir, 'churn-model.json'), serialise(artifact));
writeFileSync(join(options.outDir, 'metrics.json'), serialise(metrics));

console.log(`Trained in ${((performance.now() - startedAt) / 1000).toFixed(1)} s; chose ${metrics.model} (${metrics.selection}).\n`);
console.log(formatComparisonTable(metrics));
console.log(`\n${formatEvaluationTable(metrics)}\n`);
console.log(`Wrote ${join(options.outDir, 'churn-model.json')} and metrics.json`);
