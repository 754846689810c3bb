import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { startLocalStack } from '../../src';
import { LOOPBACK } from '../../src/ports';
import { stackContainers } from './stack-containers';

const SUPERVISOR = path.join(__dirname, 'fixtures', 'supervisor.ts');
/** The bound for child processes: every child is gone this long after its supervisor. */
const DIES_WITHIN_MS = 2_000;
/** Containers are removed by the reaper through the engine (a kill and a removal each), which takes longer. */
const CONTAINERS_GONE_WITHIN_MS = 20_000;

const supervisorOutputSchema = z.object({
  backend: z.enum(['processes', 'containers']),
  processes: z.array(z.object({ component: z.string(), pid: z.number().int().positive(), port: z.number().int().positive() })),
});
type SupervisorOutput = z.infer<typeof supervisorOutputSchema>;

/** Live (not zombie) processes in the given process groups, as `pid pgid command` lines. */
function liveMembers(groups: readonly number[]): string[] {
  return execFileSync('ps', ['-A', '-o', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, pgid, stat]) => pid !== undefined && groups.includes(Number(pgid)) && !(stat ?? '').startsWith('Z'))
    .map((fields) => fields.join(' '));
}

/** PIDs of the container reapers a process started. */
function reapersOf(parentPid: number): number[] {
  return execFileSync('ps', ['-A', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, ppid, ...args]) => Number(ppid) === parentPid && args.some((arg) => arg.endsWith('container-reaper.cjs')))
    .map(([pid]) => Number(pid));
}

/** Whether 127.0.0.1:`port` can be bound now. */
async function isFree(port: number): Promise<boolean> {
  const server = createServer();
  try {
    server.listen(port, LOOPBACK);
    await once(server, 'listening');
    return true;
  } catch {
    return false;
  } finally {
    server.close();
  }
}

/** The first of five consecutive free ports. */
async function freePortBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const free = await Promise.all([0, 1, 2, 3, 4].map((offset) => isFree(base + offset)));
    if (free.every(Boolean)) return base;
  }
}

async function until(condition: () => Promise<boolean> | boolean, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await condition()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** A supervisor process running a whole stack (emulators and both services), and what it printed. */
async function startSupervisor(kinesisBackend: string, portBase = 0): Promise<{ supervisor: ChildProcessWithoutNullStreams; started: SupervisorOutput; errors: () => string }> {
  const supervisor = spawn(process.execPath, ['--import', 'tsx', SUPERVISOR, kinesisBackend, String(portBase)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let errors = '';
  supervisor.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
  let firstLine = '';
  for await (const chunk of supervisor.stdout) {
    firstLine += (chunk as Buffer).toString('utf8');
    if (firstLine.includes('\n')) break;
  }
  if (firstLine === '') throw new Error(`the supervisor printed nothing: ${errors}`);
  return { supervisor, started: supervisorOutputSchema.parse(JSON.parse(firstLine)), errors: () => errors };
}

async function sigkill(child: ChildProcessWithoutNullStreams): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

describe('the local stack after its supervisor dies', () => {
  it.each(['kinesis-local', 'kinesalite'])('leaves no %s stack child or container running and frees every port after a SIGKILL of the supervisor', async (kinesisBackend) => {
    // Prepare
    const { supervisor, started, errors } = await startSupervisor(kinesisBackend);
    const children = started.processes;
    // Each child leads its own process group: the group ids cover tsx's grandchildren too.
    const groups = children.map(({ pid }) => pid);
    expect(children.map(({ component }) => component).sort()).toEqual(['churnApi', 'dynamodb', 'kinesis', 's3', 'tenantManager']);
    expect(liveMembers(groups).length).toBeGreaterThanOrEqual(children.length);
    if (started.backend === 'containers') expect(await stackContainers(supervisor.pid ?? 0)).toHaveLength(children.length);

    // Act
    await sigkill(supervisor);
    if (started.backend === 'processes') {
      await until(() => liveMembers(groups).length === 0, DIES_WITHIN_MS);
    } else {
      await until(async () => (await stackContainers(supervisor.pid ?? 0)).length === 0, CONTAINERS_GONE_WITHIN_MS);
    }

    // Assess
    expect(liveMembers(groups)).toEqual([]);
    expect(await stackContainers(supervisor.pid ?? 0)).toEqual([]);
    const ports = await Promise.all(children.map(async ({ component, port }) => ({ component, free: await isFree(port) })));
    expect(ports.filter(({ free }) => !free)).toEqual([]);
    expect(errors()).not.toMatch(/Error/);
  });

  it('starts again on the same fixed ports after a SIGKILL of the supervisor (and of its container reaper), with no stray left', async () => {
    // Prepare: a stack on fixed ports; with containers, its reaper dies too, so only the sweep at
    // the next start can remove them
    const portBase = await freePortBase();
    const { supervisor, started } = await startSupervisor('kinesalite', portBase);
    const reapers = reapersOf(supervisor.pid ?? 0);
    expect(reapers).toHaveLength(started.backend === 'containers' ? 1 : 0);
    for (const reaper of reapers) process.kill(reaper, 'SIGKILL');
    await sigkill(supervisor);
    if (started.backend === 'processes') await until(() => liveMembers(started.processes.map(({ pid }) => pid)).length === 0, DIES_WITHIN_MS);

    // Act
    const stack = await startLocalStack({
      kinesisBackend: 'kinesalite',
      ports: { kinesis: portBase, s3: portBase + 1, dynamodb: portBase + 2, tenantManager: portBase + 3, churnApi: portBase + 4 },
      services: { tenantManager: true, churnApi: true },
      endpointsFile: false,
    });
    const strays = await stackContainers(supervisor.pid ?? 0);
    const ports = stack.processes.map(({ port }) => port).sort();
    await stack.stop();

    // Assess
    expect(stack.backend).toBe(started.backend);
    expect(strays).toEqual([]);
    expect(ports).toEqual([0, 1, 2, 3, 4].map((offset) => portBase + offset));
  });
});
