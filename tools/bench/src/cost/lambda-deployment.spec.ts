import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@tenant-analytics/local-stack';
import { LAMBDA_DEPLOYMENT } from './lambda-deployment';

describe('LAMBDA_DEPLOYMENT', () => {
  it('matches the processor Lambda that apps/infra deploys (memory, architecture, batching)', () => {
    // Prepare: the infra app cannot be imported by a tool (module boundaries), so its source is read
    const config = readFileSync(path.join(REPO_ROOT, 'apps/infra/src/config/infra-config.ts'), 'utf8');
    const stack = readFileSync(path.join(REPO_ROOT, 'apps/infra/src/stacks/processor-stack.ts'), 'utf8');

    // Act
    const memoryMb = Number(/processorMemoryMb: integer\([^)]*\)\.default\(([\d_]+)\)/.exec(config)?.[1]?.replace(/_/g, ''));
    const batchSize = Number(/batchSize: integer\([^)]*\)\.default\(([\d_]+)\)/.exec(config)?.[1]?.replace(/_/g, ''));
    const windowSeconds = Number(/maxBatchingWindowSeconds: integer\([^)]*\)\.default\(([\d_]+)\)/.exec(config)?.[1]?.replace(/_/g, ''));
    const architecture = /architecture: lambda\.Architecture\.(\w+)/.exec(stack)?.[1];

    // Assess
    expect(memoryMb).toBe(LAMBDA_DEPLOYMENT.memoryMb);
    expect(batchSize).toBe(LAMBDA_DEPLOYMENT.batchSize);
    expect(windowSeconds * 1_000).toBe(LAMBDA_DEPLOYMENT.batchingWindowMs);
    expect(architecture).toBe(LAMBDA_DEPLOYMENT.architecture === 'arm64' ? 'ARM_64' : 'X86_64');
  });
});
