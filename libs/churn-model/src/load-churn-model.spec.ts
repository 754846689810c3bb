import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FEATURE_NAMES } from '@tenant-analytics/domain';
import { ChurnModelArtifactError } from './errors';
import { DEFAULT_MODEL_PATH, decodeChurnModelArtifact, loadChurnModel, modelFromArtifact } from './load-churn-model';
import { boostedTreesArtifactFactory } from './test-fixtures';

describe('loadChurnModel', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'churn-model-'));
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  function writeArtifact(text: string): string {
    const path = join(directory, 'churn-model.json');
    writeFileSync(path, text);
    return path;
  }

  it('loads the committed artifact by default', () => {
    // Act
    const model = loadChurnModel();

    // Assess
    expect(DEFAULT_MODEL_PATH).toMatch(/libs[/\\]churn-model[/\\]model[/\\]churn-model\.json$/);
    expect(model.kind).toBe('gradient-boosted-trees');
    expect(model.featureNames).toEqual(FEATURE_NAMES);
  });

  it('loads an artifact from a path and predicts with it', () => {
    // Prepare: a stump on job30 at 4.5 with leaves ±3
    const path = writeArtifact(JSON.stringify(boostedTreesArtifactFactory()));

    // Act
    const model = loadChurnModel(path);

    // Assess
    expect(model.predictProbability([0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toBeCloseTo(1 / (1 + Math.exp(-3)), 15);
    expect(model.predictProbability([0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toBeCloseTo(1 / (1 + Math.exp(3)), 15);
  });

  it('fails with an error naming a missing file', () => {
    // Prepare
    const path = join(directory, 'absent.json');

    // Act
    const load = () => loadChurnModel(path);

    // Assess
    expect(load).toThrow(ChurnModelArtifactError);
    expect(load).toThrow(`cannot read churn model artifact ${path}: ENOENT`);
  });

  it('fails with an error naming a file that is not JSON', () => {
    // Prepare
    const path = writeArtifact('{"kind": "gradient-boosted-trees", ');

    // Act
    const load = () => loadChurnModel(path);

    // Assess
    expect(load).toThrow(ChurnModelArtifactError);
    expect(load).toThrow(`churn model artifact ${path} is not valid JSON`);
  });

  it('fails with an error naming the file and the field of a corrupt artifact', () => {
    // Prepare
    const corrupt = { ...boostedTreesArtifactFactory(), parameters: { baseScore: 'zero', trees: [{ value: 1 }] } };
    const path = writeArtifact(JSON.stringify(corrupt));

    // Act
    let error: unknown;
    try {
      loadChurnModel(path);
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(ChurnModelArtifactError);
    expect((error as ChurnModelArtifactError).message).toMatch(new RegExp(`^invalid churn model artifact ${path}: parameters\\.baseScore: `));
    expect((error as ChurnModelArtifactError).context).toEqual({ path });
    expect((error as ChurnModelArtifactError).retriable).toBe(false);
  });
});

describe('decodeChurnModelArtifact', () => {
  it('rejects an artifact trained on another feature order', () => {
    // Prepare
    const reordered = boostedTreesArtifactFactory({ featureNames: [...FEATURE_NAMES].reverse() });

    // Act
    const decode = () => decodeChurnModelArtifact(reordered, 'memory');

    // Assess
    expect(decode).toThrow(/^churn model artifact memory was trained on features \[industry=travel, /);
  });
});

describe('modelFromArtifact', () => {
  it('builds a logistic regression from its artifact', () => {
    // Prepare
    const { training, version } = boostedTreesArtifactFactory();
    const zeros = Array<number>(FEATURE_NAMES.length).fill(0);
    const ones = Array<number>(FEATURE_NAMES.length).fill(1);

    // Act
    const model = modelFromArtifact({
      kind: 'logistic-regression',
      version,
      featureNames: [...FEATURE_NAMES],
      training,
      parameters: { intercept: 2, weights: zeros, means: zeros, scales: ones },
    });

    // Assess
    expect(model.kind).toBe('logistic-regression');
    expect(model.predictProbability(ones)).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
  });
});
