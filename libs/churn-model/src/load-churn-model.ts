import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FEATURE_NAMES } from '@tenant-analytics/domain';
import { churnModelArtifactSchema, type ChurnModelArtifact } from './artifact';
import { createBoostedTreesModel } from './boosted-trees';
import type { ChurnModel } from './churn-model';
import { ChurnModelArtifactError } from './errors';
import { createLogisticRegressionModel } from './logistic-regression';

/**
 * The committed, trained artifact: `libs/churn-model/model/churn-model.json`.
 *
 * Resolved from this source file's location, so it holds when the library runs from source (tsx,
 * jest); a bundle must ship the file and pass its path to {@link loadChurnModel}.
 */
export const DEFAULT_MODEL_PATH: string = resolve(__dirname, '..', 'model', 'churn-model.json');

/**
 * Decodes an artifact (already parsed JSON) and checks that it was trained on the domain's
 * `FEATURE_NAMES`, so a model can never silently read features in another order.
 *
 * @param source - Where the artifact came from, for error messages (a path).
 * @throws {@link ChurnModelArtifactError} naming `source` and the first offending fields.
 */
export function decodeChurnModelArtifact(json: unknown, source: string): ChurnModelArtifact {
  const result = churnModelArtifactSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ChurnModelArtifactError(`invalid churn model artifact ${source}: ${issues.join('; ')}`, {
      cause: result.error,
      context: { path: source },
    });
  }
  const expected = FEATURE_NAMES.join(',');
  if (result.data.featureNames.join(',') !== expected) {
    throw new ChurnModelArtifactError(
      `churn model artifact ${source} was trained on features [${result.data.featureNames.join(', ')}], expected [${FEATURE_NAMES.join(', ')}]`,
      { context: { path: source } },
    );
  }
  return result.data;
}

/** Builds the model an artifact describes. */
export function modelFromArtifact(artifact: ChurnModelArtifact): ChurnModel {
  return artifact.kind === 'gradient-boosted-trees'
    ? createBoostedTreesModel(artifact.parameters, artifact.featureNames)
    : createLogisticRegressionModel(artifact.parameters, artifact.featureNames);
}

/** Reads, parses and decodes an artifact file. */
export function readChurnModelArtifact(path: string = DEFAULT_MODEL_PATH): ChurnModelArtifact {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ChurnModelArtifactError(`cannot read churn model artifact ${path}: ${(error as Error).message}`, { cause: error, context: { path } });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ChurnModelArtifactError(`churn model artifact ${path} is not valid JSON: ${(error as Error).message}`, { cause: error, context: { path } });
  }
  return decodeChurnModelArtifact(json, path);
}

/**
 * Loads a trained churn model, synchronously (call it once at start-up).
 *
 * @param path - The artifact file.
 * @default path - {@link DEFAULT_MODEL_PATH}, the committed artifact.
 * @throws {@link ChurnModelArtifactError} naming the file when it is missing, not JSON, or does
 * not match the artifact schema or the domain's feature order.
 *
 * @example
 * const model = loadChurnModel();
 * const { churn, probability } = scoreCompany(model, company);
 */
export function loadChurnModel(path: string = DEFAULT_MODEL_PATH): ChurnModel {
  return modelFromArtifact(readChurnModelArtifact(path));
}
