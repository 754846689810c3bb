import { SILENT_LOGGER } from '@tenant-analytics/domain';
import fs from 'node:fs';
import os from 'node:os';
import {
  applyTestcontainersDefaults,
  describeMissingEngine,
  engineCandidates,
  isOrphaned,
  probeContainerEngine,
  requireContainerEngine,
  STACK_LABEL,
  stackLabels,
  SUPERVISOR_HOST_LABEL,
  SUPERVISOR_PID_LABEL,
  sweepOrphans,
} from './container-engine';
import { ContainerEngineUnavailableError } from './errors';

const mockGetContainerRuntimeClient = jest.fn();
jest.mock('testcontainers', () => ({ getContainerRuntimeClient: () => mockGetContainerRuntimeClient() }));

describe('applyTestcontainersDefaults', () => {
  it('disables Ryuk and names the host unless the environment says otherwise', () => {
    // Prepare
    const empty: NodeJS.ProcessEnv = {};
    const given: NodeJS.ProcessEnv = { TESTCONTAINERS_RYUK_DISABLED: 'false', TESTCONTAINERS_HOST_OVERRIDE: 'docker.internal' };

    // Act
    applyTestcontainersDefaults(empty);
    applyTestcontainersDefaults(given);

    // Assess
    expect(empty).toEqual({ TESTCONTAINERS_RYUK_DISABLED: 'true', TESTCONTAINERS_HOST_OVERRIDE: 'localhost' });
    expect(given).toEqual({ TESTCONTAINERS_RYUK_DISABLED: 'false', TESTCONTAINERS_HOST_OVERRIDE: 'docker.internal' });
  });
});

describe('probeContainerEngine and requireContainerEngine', () => {
  const somewhere: NodeJS.ProcessEnv = { DOCKER_HOST: 'unix:///tmp/no-such-docker.sock' };

  it('rejects the container backend without an engine, naming what is missing and the way out', async () => {
    // Prepare
    mockGetContainerRuntimeClient.mockRejectedValue(new Error('Could not find a working container runtime strategy'));

    // Act
    const probe = await probeContainerEngine(1_000, somewhere);
    const required = requireContainerEngine(1_000, somewhere);

    // Assess
    expect(probe).toEqual({ ok: false, reason: expect.stringContaining('no Docker engine answers') });
    await expect(required).rejects.toThrow(ContainerEngineUnavailableError);
    await expect(required).rejects.toThrow(/needs a Docker engine, and no Docker engine answers \(tried DOCKER_HOST=unix:\/\/\/tmp\/no-such-docker.sock; testcontainers: Could not find a working container runtime strategy\).*LOCAL_STACK_BACKEND=processes/);
  });

  it('knows there is no engine without asking testcontainers when there is nowhere one could be', async () => {
    // Prepare
    jest.spyOn(fs, 'existsSync').mockReturnValue(false);

    // Act
    const probe = await probeContainerEngine(1_000, {});

    // Assess
    expect(probe).toEqual({ ok: false, reason: expect.stringContaining('no Docker engine found (DOCKER_HOST is unset') });
    expect(mockGetContainerRuntimeClient).not.toHaveBeenCalled();
  });

  it('gives up on an engine that does not answer in time', async () => {
    // Prepare
    mockGetContainerRuntimeClient.mockReturnValue(new Promise(() => undefined));

    // Act
    const probe = await probeContainerEngine(20, somewhere);

    // Assess
    expect(probe).toEqual({ ok: false, reason: expect.stringContaining('no answer within 20 ms') });
  });

  it('returns the client of an engine that answers', async () => {
    // Prepare
    const client = { info: {} };
    mockGetContainerRuntimeClient.mockResolvedValue(client);

    // Act & assess
    await expect(requireContainerEngine(1_000, somewhere)).resolves.toBe(client);
  });
});

describe('engineCandidates', () => {
  it('lists DOCKER_HOST and the sockets and settings file that exist', () => {
    // Prepare
    const present = new Set(['/var/run/docker.sock', '/run/user/1000/xdg/docker.sock']);

    // Act
    const candidates = engineCandidates({ DOCKER_HOST: 'tcp://h:2375', XDG_RUNTIME_DIR: '/run/user/1000/xdg' }, (file) => present.has(file), 'linux');

    // Assess
    expect(candidates).toEqual(['DOCKER_HOST=tcp://h:2375', '/var/run/docker.sock', '/run/user/1000/xdg/docker.sock']);
  });

  it('finds nothing on a machine without Docker', () => {
    expect(engineCandidates({}, () => false, 'linux')).toEqual([]);
  });
});

describe('describeMissingEngine', () => {
  it('names DOCKER_HOST when it is set', () => {
    expect(describeMissingEngine(new Error('refused'), { DOCKER_HOST: 'tcp://10.0.0.1:2375' })).toBe('no Docker engine answers (tried DOCKER_HOST=tcp://10.0.0.1:2375; testcontainers: refused)');
  });
});

describe('isOrphaned', () => {
  const labels = (pid: string, host = 'box'): Record<string, string> => ({ [STACK_LABEL]: 's', [SUPERVISOR_PID_LABEL]: pid, [SUPERVISOR_HOST_LABEL]: host });

  it('flags a stack of this machine whose supervisor is gone', () => {
    expect(isOrphaned(labels('42'), 'box', () => false)).toBe(true);
  });

  it.each([
    ['a live supervisor', labels('42'), () => true],
    ['another machine', labels('42', 'other'), () => false],
    ['labels without a pid', { [STACK_LABEL]: 's', [SUPERVISOR_HOST_LABEL]: 'box' }, () => false],
  ])('leaves alone the stack of %s', (_label, given, alive) => {
    expect(isOrphaned(given, 'box', alive)).toBe(false);
  });

  it('labels a stack with this process as its supervisor', () => {
    expect(stackLabels('s1')).toEqual({ [STACK_LABEL]: 's1', [SUPERVISOR_PID_LABEL]: String(process.pid), [SUPERVISOR_HOST_LABEL]: os.hostname() });
  });
});

describe('sweepOrphans', () => {
  it('removes the containers, then the networks, of dead supervisors only', async () => {
    // Prepare: pid 2^22 + 1 is above Linux's pid_max, so never alive
    const dead = { ...stackLabels('dead'), [SUPERVISOR_PID_LABEL]: String(2 ** 22 + 1) };
    const live = stackLabels('live');
    const removed: string[] = [];
    const dockerode = {
      listContainers: jest.fn().mockResolvedValue([
        { Id: 'c1', Names: ['/dead-kinesis'], Labels: dead },
        { Id: 'c2', Names: ['/live-kinesis'], Labels: live },
      ]),
      getContainer: (id: string) => ({ remove: async () => void removed.push(`container ${id}`) }),
      listNetworks: jest.fn().mockResolvedValue([
        { Id: 'n1', Name: 'dead-net', Labels: dead },
        { Id: 'n2', Name: 'live-net', Labels: live },
      ]),
      getNetwork: (id: string) => ({ remove: async () => void removed.push(`network ${id}`) }),
    };

    // Act
    const count = await sweepOrphans({ container: { dockerode } } as never, SILENT_LOGGER);

    // Assess
    expect(count).toBe(1);
    expect(removed).toEqual(['container c1', 'network n1']);
    expect(dockerode.listContainers).toHaveBeenCalledWith({ all: true, filters: JSON.stringify({ label: [STACK_LABEL] }) });
  });
});
