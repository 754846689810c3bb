import { startLocalStack } from '../../src';

// A machine without Docker, whatever this one has: testcontainers finds no engine.
jest.mock('testcontainers', () => ({ getContainerRuntimeClient: () => Promise.reject(new Error('Could not find a working container runtime strategy')) }));

describe('the auto backend without a Docker engine', () => {
  it('runs the stack as child processes', async () => {
    // Act
    const stack = await startLocalStack({ backend: 'auto', kinesisBackend: 'kinesalite', ports: { kinesis: 0, s3: 0, dynamodb: 0 }, endpointsFile: false });
    const { backend, processes } = stack;
    await stack.stop();

    // Assess
    expect(backend).toBe('processes');
    expect(processes.map(({ component }) => component).sort()).toEqual(['dynamodb', 'kinesis', 's3']);
  });
});
