import { probeContainerEngine, SUPERVISOR_PID_LABEL } from '../../src/container-engine';

/**
 * Names of the containers (running or not) of stacks started by the process `supervisorPid`; none
 * when no Docker engine answers.
 */
export async function stackContainers(supervisorPid: number): Promise<string[]> {
  const probe = await probeContainerEngine();
  if (!probe.ok) return [];
  const containers = await probe.client.container.dockerode.listContainers({ all: true, filters: JSON.stringify({ label: [`${SUPERVISOR_PID_LABEL}=${supervisorPid}`] }) });
  return containers.map(({ Names, Id }) => Names[0] ?? Id).sort();
}
