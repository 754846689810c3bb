import { ContainerEngineUnavailableError } from './errors';
import { startLocalStack } from './local-stack';

jest.mock('testcontainers', () => ({ getContainerRuntimeClient: () => Promise.reject(new Error('Could not find a working container runtime strategy')) }));

describe('startLocalStack', () => {
  it('rejects the container backend when no Docker engine answers, naming what is missing, before starting anything', async () => {
    // Act
    const start = startLocalStack({ backend: 'containers', endpointsFile: false });

    // Assess
    await expect(start).rejects.toThrow(ContainerEngineUnavailableError);
    await expect(start).rejects.toThrow(/^The container backend needs a Docker engine, and no Docker engine (answers|found)/);
  });
});
