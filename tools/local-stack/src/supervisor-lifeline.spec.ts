import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Running, not a zombie waiting for a (container) init to reap it. */
const isAlive = (pid: number): boolean => {
  try {
    if (!existsSync('/proc')) return process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

const diesWithin = async (pid: number, ms: number): Promise<boolean> => {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) {
    if (!isAlive(pid)) return true;
  }
  return !isAlive(pid);
};

/**
 * A supervisor process that spawns one child with the lifeline (in its own group, as the local
 * stack does); the child spawns a grandchild and prints both pids and what it sees of the variable.
 */
const SUPERVISOR_SCRIPT = `
const { spawn } = require('node:child_process');
const { holdLifeline, lifelineSpawn } = require(${JSON.stringify(path.join(__dirname, 'supervisor-lifeline.ts'))});
const lifeline = lifelineSpawn(['ignore', 'inherit', 'inherit']);
const child = spawn(process.execPath, [...lifeline.execArgs, '-e', \`
  const grandchild = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  console.log(JSON.stringify({ child: process.pid, grandchild: grandchild.pid, variable: process.env.LOCAL_STACK_SUPERVISOR_FD ?? null }));
  setInterval(() => {}, 1000);
\`], { env: { ...process.env, ...lifeline.env }, stdio: lifeline.stdio, detached: true });
holdLifeline(child);
setInterval(() => {}, 1000);
`;

describe('lifelineSpawn', () => {
  it('makes a child and its group exit within 2 s of a SIGKILL of the supervisor, and only then', async () => {
    // Prepare
    const supervisor = spawn(process.execPath, ['--import', 'tsx', '-e', SUPERVISOR_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
    let line = '';
    for await (const chunk of supervisor.stdout) {
      line += (chunk as Buffer).toString('utf8');
      if (line.includes('\n')) break;
    }
    const { child, grandchild, variable } = JSON.parse(line) as { child: number; grandchild: number; variable: string | null };
    await new Promise((resolve) => setTimeout(resolve, 300));
    const aliveWhileSupervised = isAlive(child) && isAlive(grandchild);

    // Act
    supervisor.kill('SIGKILL');

    // Assess
    expect(aliveWhileSupervised).toBe(true);
    expect(variable).toBeNull();
    expect(await diesWithin(child, 2_000)).toBe(true);
    expect(await diesWithin(grandchild, 2_000)).toBe(true);
  }, 30_000);
});
