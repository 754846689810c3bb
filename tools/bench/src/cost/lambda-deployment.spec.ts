import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@tenant-analytics/local-stack';
import { LAMBDA_DEPLOYMENT } from './lambda-deployment';

describe('LAMBDA_DEPLOYMENT', () => {
  it('matches the processor Lambda that apps/infra deploys (memory, architecture, young generation, which `npm run bench` and the local runner run with too; batching from the shared mapping settings)', () => {
    // Prepare: the infra app cannot be imported by a tool (module boundaries), so its source is read
    const config = readFileSync(path.join(REPO_ROOT, 'apps/infra/src/config/infra-config.ts'), 'utf8');
    const stack = readFileSync(path.join(REPO_ROOT, 'apps/infra/src/shared/node-function.ts'), 'utf8');
    const processorStack = readFileSync(path.join(REPO_ROOT, 'apps/infra/src/stacks/processor-stack.ts'), 'utf8');
    const benchScript = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['bench'];

    // Act
    const memoryMb = Number(/processorMemoryMb: integer\([^)]*\)\.default\(([\d_]+)\)/.exec(config)?.[1]?.replace(/_/g, ''));
    const architecture = /architecture: lambda\.Architecture\.(\w+)/.exec(stack)?.[1];
    const nodeOptions = /PROCESSOR_NODE_OPTIONS = '([^']*)'/.exec(processorStack)?.[1]?.split(' ');

    // Assess
    expect(memoryMb).toBe(LAMBDA_DEPLOYMENT.memoryMb);
    expect(config).toContain('eventSourceMappingContextShape');
    expect([LAMBDA_DEPLOYMENT.batchSize, LAMBDA_DEPLOYMENT.batchingWindowMs]).toEqual([500, 1_000]);
    expect(architecture).toBe(LAMBDA_DEPLOYMENT.architecture === 'arm64' ? 'ARM_64' : 'X86_64');
    expect(nodeOptions).toContain(LAMBDA_DEPLOYMENT.semiSpaceFlag);
    expect(benchScript?.split(' ')).toContain(LAMBDA_DEPLOYMENT.semiSpaceFlag);
    // The local runner too: `nx serve processor`, and the harness that spawns it for the benchmark and the tests.
    const serveScript = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'apps/processor/package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['serve'];
    expect(serveScript?.split(' ')).toContain(LAMBDA_DEPLOYMENT.semiSpaceFlag);
    expect(readFileSync(path.join(REPO_ROOT, 'tools/pipeline-harness/src/local-pipeline.ts'), 'utf8')).toContain(`'${LAMBDA_DEPLOYMENT.semiSpaceFlag}'`);
  });
});
