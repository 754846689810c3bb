import { existsSync, readFileSync } from 'node:fs';
import { SILENT_LOGGER } from '@tenant-analytics/domain';
import { redactArgs, spawnManaged, type ManagedProcess, type ProcessSpec } from './managed-process';

/** Running, not a zombie waiting for a (container) init to reap it. */
const isAlive = (pid: number): boolean => {
  try {
    if (!existsSync('/proc')) return process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/** Whether `pid` stops running within `ms` (a signalled process takes a moment to die). */
const diesWithin = async (pid: number, ms: number): Promise<boolean> => {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 10))) {
    if (!isAlive(pid)) return true;
  }
  return !isAlive(pid);
};

const nodeSpec = (script: string, name = 'test-child'): ProcessSpec => ({
  name,
  command: process.execPath,
  args: ['-e', script],
  cwd: process.cwd(),
  env: { GREETING: 'hello' },
});

describe('spawnManaged', () => {
  const logger = SILENT_LOGGER;
  const started: ManagedProcess[] = [];
  const spawn = (spec: ProcessSpec): ManagedProcess => {
    const child = spawnManaged(spec, logger);
    started.push(child);
    return child;
  };

  afterEach(async () => {
    await Promise.all(started.splice(0).map((child) => child.stop(100)));
  });

  it('passes the environment and keeps the last output lines of both streams', async () => {
    // Prepare
    const child = spawn(nodeSpec('console.log(process.env.GREETING); for (let i = 0; i < 40; i++) console.error("line " + i)'));

    // Act
    const exit = await child.exit;

    // Assess
    expect(exit).toEqual({ code: 0, signal: null });
    expect(child.hasExited()).toBe(true);
    const tail = child.outputTail().split('\n');
    expect(tail).toHaveLength(30);
    expect(tail.at(-1)).toBe('line 39');
    expect(tail).not.toContain('hello');
  });

  it('stops a child with SIGTERM', async () => {
    // Prepare
    const child = spawn(nodeSpec('setInterval(() => {}, 1000)'));

    // Act
    await child.stop();

    // Assess
    expect(await child.exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(isAlive(child.pid)).toBe(false);
  });

  it('kills a child that ignores SIGTERM once the grace time is over', async () => {
    // Prepare
    const child = spawn(nodeSpec('process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)'));
    await new Promise<void>((resolve) => {
      const wait = setInterval(() => child.outputTail().includes('ready') && (clearInterval(wait), resolve()), 20);
    });

    // Act
    await child.stop(200);

    // Assess
    expect(await child.exit).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('stops the grandchildren too (its process group)', async () => {
    // Prepare
    const child = spawn(
      nodeSpec(
        'const c = require("node:child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" }); console.log("grandchild " + c.pid); setInterval(() => {}, 1000)',
      ),
    );
    let grandchildPid: number | undefined;
    await new Promise<void>((resolve) => {
      const wait = setInterval(() => {
        const match = /grandchild (\d+)/.exec(child.outputTail());
        if (match?.[1] !== undefined) {
          grandchildPid = Number(match[1]);
          clearInterval(wait);
          resolve();
        }
      }, 20);
    });

    // Act
    await child.stop();

    // Assess: the group got SIGKILL; the kernel ends the grandchild moments later
    expect(grandchildPid).toBeDefined();
    expect(await diesWithin(grandchildPid ?? 0, 2_000)).toBe(true);
  });

  it('treats a stop after the child exited, and a second stop, as no-ops', async () => {
    // Prepare
    const child = spawn(nodeSpec('process.exit(3)'));
    await child.exit;

    // Act
    await child.stop();
    await child.stop();

    // Assess
    expect(await child.exit).toEqual({ code: 3, signal: null });
  });

  it('rejects a command that cannot be spawned, naming it', () => {
    expect(() => spawn({ ...nodeSpec(''), command: '/nonexistent/node' })).toThrow(/Cannot spawn test-child: \/nonexistent\/node/);
  });
});

describe('redactArgs', () => {
  it('hides the values of secret-looking flags, in both forms, and keeps the rest', () => {
    expect(redactArgs(['--port', '4011', '--secret-access-key', 'S3RVER', '--api-key=k-123', '--region', 'us-west-2'])).toEqual([
      '--port',
      '4011',
      '--secret-access-key',
      '***',
      '--api-key=***',
      '--region',
      'us-west-2',
    ]);
  });
});
