import type { Logger } from '@tenant-analytics/domain';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import type { ContainerRuntimeClient, StartedTestContainer, WaitStrategy } from 'testcontainers';
import { ignoreMissing, loadTestcontainers, STACK_LABEL, stackLabels, sweepOrphans } from './container-engine';
import type { ComponentImage, ComponentSpec } from './emulators';
import { ComponentStartError, ContainerBackendError } from './errors';
import { ensureImages, imageRef } from './images';
import { DEFAULT_STOP_GRACE_MS, OUTPUT_TAIL_LINES, redactArgs, type ManagedProcess, type ProcessExit } from './managed-process';
import { LOOPBACK } from './ports';
import { holdLifeline, lifelineSpawn } from './supervisor-lifeline';

/** The reaper that removes a stack's containers when its supervisor dies (see the script). */
export const CONTAINER_REAPER = path.join(__dirname, 'container-reaper.cjs');

/** A container of a stack: where it listens on the host and the name other containers reach it by. */
export interface ContainerPlacement {
  /** Published on 127.0.0.1 only; the server listens on the same port inside the container. */
  readonly port: number;
  /** Its name on the stack's network (`kinesis`, `s3`…). */
  readonly alias: string;
}

/** The engine side of a running stack: its network, its reaper, and the containers it starts. */
export interface ContainerRuntime {
  readonly sessionId: string;
  /** Starts one component; it answers on 127.0.0.1:`port` of the host once its server is up. */
  start(spec: ComponentSpec, placement: ContainerPlacement, logger: Logger): Promise<ManagedProcess>;
  /** Removes the network and ends the reaper; call after every container has stopped. */
  close(): Promise<void>;
}

/**
 * Prepares a stack's containers: removes those of dead supervisors (their ports would be taken),
 * builds the missing images, creates the stack's network and starts its reaper.
 *
 * @throws ContainerBackendError when an image cannot be built or the network created
 */
export async function openContainerRuntime(client: ContainerRuntimeClient, images: readonly ComponentImage[], logger: Logger): Promise<ContainerRuntime> {
  await sweepOrphans(client, logger);
  await ensureImages(client, images, { logger });
  const sessionId = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const labels = stackLabels(sessionId);
  const reaper = startReaper(client, sessionId, logger);
  const networkName = `tenant-analytics-ls-${sessionId}`;
  try {
    await client.container.dockerode.createNetwork({ Name: networkName, Driver: 'bridge', Labels: labels, CheckDuplicate: true });
  } catch (error) {
    await endReaper(reaper);
    throw new ContainerBackendError(`Cannot create the stack's network ${networkName}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return {
    sessionId,
    start: (spec, placement, componentLogger) => startContainer(client, spec, { ...placement, networkName, labels, sessionId }, componentLogger),
    close: async () => {
      // Containers that failed half-way (created, never started) still hold the network.
      await removeSessionContainers(client, sessionId);
      await client.container.dockerode
        .getNetwork(networkName)
        .remove()
        .catch((error: unknown) => ignoreMissing(error));
      await endReaper(reaper);
    },
  };
}

/** Where the engine listens, in the form `http.request` takes; undefined for TLS engines. */
function engineAddress(client: ContainerRuntimeClient): Record<string, string | number> | undefined {
  const modem = client.container.dockerode.modem as { socketPath?: unknown; host?: unknown; port?: unknown; protocol?: unknown };
  if (typeof modem.socketPath === 'string') return { socketPath: modem.socketPath };
  if (typeof modem.host === 'string' && modem.protocol !== 'https') return { host: modem.host, port: Number(modem.port ?? 2375) };
  return undefined;
}

function startReaper(client: ContainerRuntimeClient, sessionId: string, logger: Logger): ChildProcess | undefined {
  const engine = engineAddress(client);
  if (engine === undefined) {
    logger.warn('no reaper for a TLS engine: containers of a killed supervisor are removed by the next start', {});
    return undefined;
  }
  const lifeline = lifelineSpawn(['ignore', 'ignore', 'ignore']);
  // The lifeline preload is not wanted here (it would SIGKILL the reaper before it reaps): the
  // script reads the pipe itself.
  const reaper = spawn(process.execPath, [CONTAINER_REAPER], {
    env: { ...process.env, ...lifeline.env, LOCAL_STACK_REAPER_SESSION: sessionId, LOCAL_STACK_REAPER_ENGINE: JSON.stringify(engine) },
    stdio: lifeline.stdio,
    detached: true,
  });
  holdLifeline(reaper);
  reaper.unref();
  return reaper;
}

/**
 * Ready as soon as the container runs: readiness is then the stack's own probe of the server (an
 * API call from the host), the same as for a child process, and needs no shell in the image
 * (testcontainers' default port check runs `/bin/sh` inside the container).
 */
class StartedWaitStrategy implements WaitStrategy {
  private startupTimeoutMs = 0;
  async waitUntilReady(): Promise<void> {
    return undefined;
  }
  withStartupTimeout(startupTimeoutMs: number): this {
    this.startupTimeoutMs = startupTimeoutMs;
    return this;
  }
  isStartupTimeoutSet(): boolean {
    return this.startupTimeoutMs > 0;
  }
  getStartupTimeout(): number {
    return this.startupTimeoutMs;
  }
}

/** Removes every container of a session, running or not. */
async function removeSessionContainers(client: ContainerRuntimeClient, sessionId: string): Promise<void> {
  const { dockerode } = client.container;
  const containers = await dockerode.listContainers({ all: true, filters: JSON.stringify({ label: [`${STACK_LABEL}=${sessionId}`] }) });
  await Promise.all(
    containers.map(({ Id }) =>
      dockerode
        .getContainer(Id)
        .remove({ force: true })
        .catch((error: unknown) => ignoreMissing(error)),
    ),
  );
}

/** SIGTERM to the reaper (its work is done) and its exit. */
async function endReaper(reaper: ChildProcess | undefined): Promise<void> {
  if (reaper === undefined || reaper.exitCode !== null || reaper.signalCode !== null) return;
  const exited = once(reaper, 'exit');
  // Unreferenced while it watches; referenced now, or a caller with nothing else to do would exit
  // before this promise settles.
  reaper.ref();
  reaper.kill('SIGTERM');
  await exited;
}

interface StartSettings extends ContainerPlacement {
  readonly networkName: string;
  readonly labels: Record<string, string>;
  readonly sessionId: string;
}

/** A port the engine cannot publish because something holds it: worth another free port. */
function isPortTaken(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /port is already allocated|address already in use/i.test(message);
}

async function startContainer(client: ContainerRuntimeClient, spec: ComponentSpec, settings: StartSettings, logger: Logger): Promise<ManagedProcess> {
  const { GenericContainer } = await loadTestcontainers();
  /**
   * Publishes its port on the host's loopback only, joins the stack's network (only that one, with
   * its alias, from creation on: attaching afterwards would add a second interface and cost a
   * second network setup), and runs docker's init as PID 1 so that SIGTERM reaches node.
   */
  class StackContainer extends GenericContainer {
    placeInStack(port: number, networkName: string, alias: string): this {
      this.withExposedPorts({ container: port, host: port });
      this.hostConfig.PortBindings = { [`${port}/tcp`]: [{ HostIp: LOOPBACK, HostPort: String(port) }] };
      this.hostConfig.Init = true;
      this.withNetworkMode(networkName);
      this.createOpts.NetworkingConfig = { EndpointsConfig: { [networkName]: { Aliases: [alias] } } };
      return this;
    }
  }
  const { ref } = imageRef(spec.image);
  const log = logger.child({ component: spec.name });
  const user = typeof process.getuid === 'function' && typeof process.getgid === 'function' ? `${process.getuid()}:${process.getgid()}` : undefined;
  const name = `tenant-analytics-${settings.sessionId}-${settings.alias}`;
  const container = new StackContainer(ref)
    .withName(name)
    .withEntrypoint([spec.command])
    .withCommand([...spec.args])
    .withWorkingDir(spec.cwd)
    .withEnvironment({ ...spec.env })
    .withLabels(settings.labels)
    .withBindMounts(spec.mounts.map((dir) => ({ source: dir, target: dir, mode: 'rw' as const })))
    .withWaitStrategy(new StartedWaitStrategy())
    .placeInStack(settings.port, settings.networkName, settings.alias);
  if (user !== undefined) container.withUser(user);
  let started: StartedTestContainer;
  try {
    started = await container.start();
  } catch (error) {
    // Created but not started (a port taken meanwhile): remove it, so that a retry can reuse the name.
    await client.container.dockerode
      .getContainer(name)
      .remove({ force: true })
      .catch((cleanupError: unknown) => log.debug('could not remove the container that did not start; the stack removes it on stop', { err: cleanupError }));
    throw new ComponentStartError(`Cannot start the ${spec.name} container (image ${ref}) on port ${settings.port}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
      context: { component: spec.name, port: settings.port, image: ref },
      retriable: isPortTaken(error),
    });
  }
  const handle = client.container.getById(started.getId());
  const { State } = await handle.inspect();
  log.debug('container started', { container: started.getName(), image: ref, pid: State.Pid, args: redactArgs(spec.args) });

  const tail: string[] = [];
  const keep = (chunk: Buffer | string): void => {
    for (const line of chunk.toString().split('\n')) {
      if (line.trim() === '') continue;
      log.debug('child output', { line });
      tail.push(line);
      if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
    }
  };
  void started.logs().then(
    (stream) => {
      stream.on('data', keep);
      stream.on('error', () => undefined);
    },
    (error: unknown) => keep(`(no logs: ${String(error)})`),
  );

  let exited = false;
  const exit: Promise<ProcessExit> = (handle.wait() as Promise<{ StatusCode?: number }>).then(
    ({ StatusCode }) => ({ code: StatusCode ?? null, signal: null }),
    () => ({ code: null, signal: null }),
  );
  void exit.then(() => {
    exited = true;
    log.debug('container exited', {});
  });

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> => {
    stopping ??= (async () => {
      await started.stop({ timeout: graceMs, remove: true }).catch((error: unknown) => ignoreMissing(error));
      await exit;
    })();
    return stopping;
  };
  return {
    name: spec.name,
    pid: State.Pid,
    exit,
    hasExited: () => exited,
    outputTail: () => tail.join('\n'),
    stop,
    // Nothing synchronous can reach the engine: the reaper removes the containers once this process is gone.
    killNow: () => undefined,
  };
}
