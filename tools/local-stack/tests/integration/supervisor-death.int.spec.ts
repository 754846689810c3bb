import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { LOOPBACK } from '../../src/ports';

const SUPERVISOR = path.join(__dirname, 'fixtures', 'supervisor.ts');
/** The bound: every child is gone this long after its supervisor. */
const DIES_WITHIN_MS = 2_000;

const processesSchema = z.array(z.object({ component: z.string(), pid: z.number().int().positive(), port: z.number().int().positive() }));

/** Live (not zombie) processes in the given process groups, as `pid pgid command` lines. */
function liveMembers(groups: readonly number[]): string[] {
  return execFileSync('ps', ['-A', '-o', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, pgid, stat]) => pid !== undefined && groups.includes(Number(pgid)) && !(stat ?? '').startsWith('Z'))
    .map((fields) => fields.join(' '));
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

describe('the local stack after its supervisor dies', () => {
  it.each(['kinesis-local', 'kinesalite'])('leaves no %s stack child running and frees every port after a SIGKILL of the supervisor', async (backend) => {
    // Prepare: a supervisor process running a whole stack (emulators and both services via tsx)
    const supervisor = spawn(process.execPath, ['--import', 'tsx', SUPERVISOR, backend], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    supervisor.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = once(supervisor, 'exit');
    let firstLine = '';
    for await (const chunk of supervisor.stdout) {
      firstLine += (chunk as Buffer).toString('utf8');
      if (firstLine.includes('\n')) break;
    }
    const children = processesSchema.parse(JSON.parse(firstLine || 'null'));
    // Each child leads its own process group: the group ids cover tsx's grandchildren too.
    const groups = children.map(({ pid }) => pid);
    expect(children.map(({ component }) => component).sort()).toEqual(['churnApi', 'dynamodb', 'kinesis', 's3', 'tenantManager']);
    expect(liveMembers(groups).length).toBeGreaterThanOrEqual(children.length);

    // Act
    supervisor.kill('SIGKILL');
    await exited;
    const deadline = Date.now() + DIES_WITHIN_MS;
    while (liveMembers(groups).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));

    // Assess
    expect(liveMembers(groups)).toEqual([]);
    const ports = await Promise.all(children.map(async ({ component, port }) => ({ component, free: await isFree(port) })));
    expect(ports.filter(({ free }) => !free)).toEqual([]);
    expect(output).not.toMatch(/Error/);
  });
});
