import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { LocalEndpoints } from '@tenant-analytics/local-stack';
import type { TenantMix } from '../tenant-mix';
import type { DrainSettings } from './step-runner';
import { driverReplySchema, type DriverCommand, type DriverReply, type DriverStepResult } from './load-driver-protocol';

const DRIVER_SCRIPT = path.join(__dirname, 'load-driver-process.ts');

/** What the driver sends and where it listens. */
export interface LoadDriverOptions {
  readonly endpoints: LocalEndpoints;
  readonly companies: number;
  readonly mix: TenantMix;
  /** Length of the weighted company list (see weightedCompanyIds). */
  readonly slots: number;
  /** Process trees whose CPU each step reports, by component. */
  readonly processes: Readonly<Record<string, number>>;
  /** Prefix of the producer's run ids. */
  readonly label: string;
}

/**
 * Scenario 4's load, in a child process: the producer's open-loop steps of job events (the tenant
 * mix drawn by the producer's own generator from a weighted company list) and a tap on the output
 * stream that times each event from its scheduled send time to its first appearance there — the
 * same StepRunner and StreamTap as scenario 3. Out of process, so that `process.cpuUsage()` of the
 * benchmark counts the in-process pipeline only.
 */
export class LoadDriver {
  private readonly waiting: ((reply: DriverReply) => void)[] = [];
  private exited?: string;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: unknown) => {
      const parsed = driverReplySchema.safeParse(message);
      const reply: DriverReply = parsed.success ? parsed.data : { type: 'error', message: `unreadable reply from the load driver: ${parsed.error.message}` };
      this.waiting.shift()?.(reply);
    });
    child.on('exit', (code, signal) => {
      this.exited = `the load driver exited (${code ?? signal})`;
      for (const resolve of this.waiting.splice(0)) resolve({ type: 'error', message: this.exited });
    });
  }

  /** Starts the child, its Kinesis client and the output tap. */
  static async start(options: LoadDriverOptions): Promise<LoadDriver> {
    const child = fork(DRIVER_SCRIPT, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const driver = new LoadDriver(child);
    const { endpoints } = options;
    await driver.request({
      type: 'start',
      kinesis: { endpoint: endpoints.kinesis, region: endpoints.region, credentials: { ...endpoints.credentials } },
      inputStream: endpoints.streams.jobs,
      outputStream: endpoints.streams.enriched,
      companies: options.companies,
      mix: options.mix,
      slots: options.slots,
      processes: { ...options.processes },
      label: options.label,
    });
    return driver;
  }

  /** Sends `rate` events/s for `seconds`, waits until they came out (or `drain` gives up) and returns the step's figures. */
  async step(rate: number, seconds: number, drain: DrainSettings): Promise<DriverStepResult> {
    const reply = await this.request({ type: 'step', rate, seconds, drain });
    if (reply.type !== 'step-result') throw new Error(`the load driver answered a step with ${reply.type}`);
    return reply.result;
  }

  /** Stops the tap and lets the child exit. */
  async stop(): Promise<void> {
    if (this.exited !== undefined) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.request({ type: 'stop' }).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private async request(command: DriverCommand): Promise<DriverReply> {
    if (this.exited !== undefined) throw new Error(this.exited);
    const reply = new Promise<DriverReply>((resolve) => this.waiting.push(resolve));
    this.child.send(command);
    const answer = await reply;
    if (answer.type === 'error') throw new Error(`load driver: ${answer.message}`);
    return answer;
  }
}
