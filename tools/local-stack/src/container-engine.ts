import type { Logger } from '@tenant-analytics/domain';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ContainerRuntimeClient } from 'testcontainers';
import { ContainerEngineUnavailableError } from './errors';

/** Label on every container and network of a stack; the value is the stack's session id. */
export const STACK_LABEL = 'tenant-analytics.local-stack';
/** PID of the process that started the stack (the supervisor). */
export const SUPERVISOR_PID_LABEL = 'tenant-analytics.local-stack.supervisor-pid';
/** Host name of the supervisor: a sweep only judges supervisors of its own machine. */
export const SUPERVISOR_HOST_LABEL = 'tenant-analytics.local-stack.host';

/** How long the engine gets to answer before `auto` settles for child processes. */
export const ENGINE_PROBE_TIMEOUT_MS = 5_000;

type Testcontainers = typeof import('testcontainers');

/**
 * The settings testcontainers needs on machines like this one, unless the environment sets them:
 * no Ryuk (its image cannot be pulled; the stack removes its own containers, see
 * `container-reaper.cjs`) and the engine's host given (inside a container, `/.dockerenv`,
 * testcontainers would otherwise pull `alpine` to find the gateway).
 */
export function applyTestcontainersDefaults(env: NodeJS.ProcessEnv = process.env): void {
  env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
  env['TESTCONTAINERS_HOST_OVERRIDE'] ??= 'localhost';
}

let loaded: Promise<Testcontainers> | undefined;

/** testcontainers, loaded on first use so that the process backend never pays for it. */
export function loadTestcontainers(): Promise<Testcontainers> {
  applyTestcontainersDefaults();
  loaded ??= import('testcontainers');
  return loaded;
}

/** Whether a Docker engine answers, and if not, why not in words. */
export type EngineProbe = { readonly ok: true; readonly client: ContainerRuntimeClient } | { readonly ok: false; readonly reason: string };

/** What a person can check when no engine answers: where testcontainers looked. */
export function describeMissingEngine(cause: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const tried = env['DOCKER_HOST'] !== undefined ? `DOCKER_HOST=${env['DOCKER_HOST']}` : existsSync('/var/run/docker.sock') ? '/var/run/docker.sock (exists, but the engine does not answer)' : '/var/run/docker.sock (missing: no dockerd running)';
  const detail = cause instanceof Error ? cause.message : String(cause);
  return `no Docker engine answers (tried ${tried}; testcontainers: ${detail})`;
}

/**
 * Where testcontainers would look for an engine (its strategies: `DOCKER_HOST`,
 * `~/.testcontainers.properties`, the root and rootless sockets, Windows' named pipe): the ones
 * present. None present means no engine, known without loading testcontainers (a second or more on
 * a busy machine, which `auto` would otherwise pay at every stack start on a machine without Docker).
 */
export function engineCandidates(env: NodeJS.ProcessEnv = process.env, exists: (file: string) => boolean = existsSync, platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'win32') return ['npipe:////./pipe/docker_engine'];
  const home = os.homedir();
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const settings = env['DOCKER_HOST'] === undefined ? [] : [`DOCKER_HOST=${env['DOCKER_HOST']}`];
  const files = [
    path.join(home, '.testcontainers.properties'),
    '/var/run/docker.sock',
    env['XDG_RUNTIME_DIR'] === undefined ? undefined : path.join(env['XDG_RUNTIME_DIR'], 'docker.sock'),
    path.join(home, '.docker', 'run', 'docker.sock'),
    path.join(home, '.docker', 'desktop', 'docker.sock'),
    uid === undefined ? undefined : `/run/user/${uid}/docker.sock`,
  ];
  return [...settings, ...files.filter((file) => file !== undefined && exists(file))].filter((candidate): candidate is string => candidate !== undefined);
}

/**
 * Asks testcontainers for an engine, within `timeoutMs`, unless there is nowhere an engine could be.
 *
 * @param env - where `DOCKER_HOST` is read from (the process environment; tests give their own)
 */
export async function probeContainerEngine(timeoutMs: number = ENGINE_PROBE_TIMEOUT_MS, env: NodeJS.ProcessEnv = process.env): Promise<EngineProbe> {
  if (engineCandidates(env).length === 0) {
    return { ok: false, reason: 'no Docker engine found (DOCKER_HOST is unset, and there is no /var/run/docker.sock, rootless docker.sock or ~/.testcontainers.properties)' };
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const { getContainerRuntimeClient } = await loadTestcontainers();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const client = await Promise.race([getContainerRuntimeClient(), timeout]);
    return { ok: true, client };
  } catch (error) {
    return { ok: false, reason: describeMissingEngine(error, env) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The engine's client, or a clear error naming what is missing.
 *
 * @throws ContainerEngineUnavailableError when no engine answers
 */
export async function requireContainerEngine(timeoutMs: number = ENGINE_PROBE_TIMEOUT_MS, env: NodeJS.ProcessEnv = process.env): Promise<ContainerRuntimeClient> {
  const probe = await probeContainerEngine(timeoutMs, env);
  if (probe.ok) return probe.client;
  throw new ContainerEngineUnavailableError(
    `The container backend needs a Docker engine, and ${probe.reason}. Start one (e.g. \`dockerd\` as root after \`apt-get install docker.io\`, as .ci/run does), point DOCKER_HOST at one, or choose the process backend (LOCAL_STACK_BACKEND=processes, --backend processes).`,
    { context: { backend: 'containers' } },
  );
}

/** Labels of a stack's containers and networks. */
export function stackLabels(sessionId: string): Record<string, string> {
  return { [STACK_LABEL]: sessionId, [SUPERVISOR_PID_LABEL]: String(process.pid), [SUPERVISOR_HOST_LABEL]: os.hostname() };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return typeof error === 'object' && error !== null && 'code' in error && error.code === 'EPERM';
  }
}

/** Whether labels name a supervisor on this machine that is gone. */
export function isOrphaned(labels: Readonly<Record<string, string>>, hostname: string = os.hostname(), alive: (pid: number) => boolean = isAlive): boolean {
  const pid = Number(labels[SUPERVISOR_PID_LABEL]);
  return labels[SUPERVISOR_HOST_LABEL] === hostname && Number.isInteger(pid) && pid > 0 && !alive(pid);
}

/**
 * Removes the containers and networks of stacks whose supervisor died without stopping them (a
 * SIGKILL, an OOM kill, a power cut before the reaper ran), so that they free their ports before
 * this stack binds them. Stacks of live supervisors, and of other machines sharing the engine, are
 * left alone.
 *
 * @returns how many containers were removed
 */
export async function sweepOrphans(client: ContainerRuntimeClient, logger: Logger): Promise<number> {
  const { dockerode } = client.container;
  const filters = JSON.stringify({ label: [STACK_LABEL] });
  const orphans = (await dockerode.listContainers({ all: true, filters })).filter(({ Labels }) => isOrphaned(Labels));
  await Promise.all(
    orphans.map(async ({ Id, Names }) => {
      await dockerode
        .getContainer(Id)
        .remove({ force: true })
        .catch((error: unknown) => ignoreMissing(error));
      logger.info('removed a container of a stack whose supervisor is gone', { container: Names[0] ?? Id });
    }),
  );
  const networks = (await dockerode.listNetworks({ filters })).filter(({ Labels }) => isOrphaned(Labels ?? {}));
  for (const { Id, Name } of networks) {
    await dockerode
      .getNetwork(Id)
      .remove()
      .catch((error: unknown) => ignoreMissing(error));
    logger.info('removed a network of a stack whose supervisor is gone', { network: Name });
  }
  return orphans.length;
}

/** A 404 from the engine: someone (the reaper) removed it first, which is the goal. */
export function ignoreMissing(error: unknown): void {
  if (typeof error === 'object' && error !== null && 'statusCode' in error && (error.statusCode === 404 || error.statusCode === 409)) return;
  throw error;
}
