import { AsyncLocalStorage } from 'node:async_hooks';
import { sleep } from '@tenant-analytics/domain';
import type { KinesisStreamEvent } from 'aws-lambda';
import type { FunctionFaultController } from './function-fault-hook';
import type { InvocationResult } from './invocation-verdict';

/** The function under test: the `handler` export of `src/handler.ts`, or anything shaped like it. */
export type KinesisFunctionHandler = (event: KinesisStreamEvent) => Promise<unknown>;

/**
 * Loads one fresh instance of the function module: one execution environment. Called again for
 * every new environment (after a timeout or a crash, or when all environments are busy), so module
 * state (SDK clients, caches, the circuit breaker) is per environment, as on Lambda.
 */
export type HandlerLoader = () => KinesisFunctionHandler | Promise<KinesisFunctionHandler>;

/** Which shard an invocation serves: faults can target one stream. */
export interface InvocationTarget {
  readonly stream: string;
  readonly shardId: string;
}

interface InvocationScope extends InvocationTarget {
  readonly crash: () => void;
}

interface StepFault {
  readonly step: string;
  readonly stream: string | undefined;
  readonly action: { readonly kind: 'crash' } | { readonly kind: 'delay'; readonly delayMs: number };
  remaining: number;
}

interface InvocationFault {
  readonly matches: (event: KinesisStreamEvent) => boolean;
  readonly message: string;
}

/** A fault that fired, for tests to wait on and assert. */
export interface FiredFault {
  readonly kind: 'crash' | 'delay' | 'function-error';
  readonly step?: string;
  readonly stream: string;
  readonly shardId: string;
}

/**
 * Faults to inject into invocations of the function (tests only). Crashes and delays act at the
 * core's effect steps (`pending-written`, `committed`, `published`, `completed`) through the
 * handler's `afterStep` seam; function errors fail an invocation before the handler runs, as a
 * function that throws on some input would.
 */
export class FunctionFaults implements FunctionFaultController {
  readonly fired: FiredFault[] = [];
  private readonly stepFaults: StepFault[] = [];
  private readonly invocationFaults: InvocationFault[] = [];

  constructor(private readonly scope: AsyncLocalStorage<InvocationScope>) {}

  /**
   * The runtime dies right after `step` (the next `times` occurrences, on `stream` if given): that
   * invocation does nothing more, and the mapping sees `Runtime.ExitError`.
   */
  crashAfterStep(step: string, options: { readonly stream?: string; readonly times?: number } = {}): void {
    this.stepFaults.push({ step, stream: options.stream, action: { kind: 'crash' }, remaining: options.times ?? 1 });
  }

  /**
   * The invocation pauses `delayMs` after `step` and then goes on; with a delay longer than the
   * function timeout the mapping retries while it still runs (an overlap).
   */
  delayAfterStep(step: string, delayMs: number, options: { readonly stream?: string; readonly times?: number } = {}): void {
    this.stepFaults.push({ step, stream: options.stream, action: { kind: 'delay', delayMs }, remaining: options.times ?? 1 });
  }

  /** Every invocation whose event `matches` fails with a function error (a poison record). */
  failInvocationsWhen(matches: (event: KinesisStreamEvent) => boolean, message = 'injected function error'): void {
    this.invocationFaults.push({ matches, message });
  }

  /** Removes every fault not yet fired. */
  clear(): void {
    this.stepFaults.length = 0;
    this.invocationFaults.length = 0;
  }

  /** @internal The function error to fail `event` with, if a fault matches it. */
  functionErrorFor(event: KinesisStreamEvent, target: InvocationTarget): string | undefined {
    const fault = this.invocationFaults.find((candidate) => candidate.matches(event));
    if (fault === undefined) return undefined;
    this.fired.push({ kind: 'function-error', ...target });
    return fault.message;
  }

  /** @internal Called by the handler's `afterStep` seam, inside an invocation. */
  afterStep(step: string): Promise<void> | void {
    const current = this.scope.getStore();
    if (current === undefined) return undefined;
    const fault = this.stepFaults.find((candidate) => candidate.remaining > 0 && candidate.step === step && (candidate.stream === undefined || candidate.stream === current.stream));
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    const { stream, shardId } = current;
    if (fault.action.kind === 'crash') {
      this.fired.push({ kind: 'crash', step, stream, shardId });
      current.crash();
      // A dead runtime does nothing more: this invocation never goes past the step.
      return new Promise<void>(() => undefined);
    }
    this.fired.push({ kind: 'delay', step, stream, shardId });
    const { delayMs } = fault.action;
    return sleep(delayMs);
  }
}

interface Environment {
  readonly id: number;
  readonly handler: KinesisFunctionHandler;
}

/**
 * The function's execution environments. An environment runs one invocation at a time; a new one
 * is loaded when none is idle. An invocation that runs past `timeoutMs` is abandoned, not
 * cancelled (the mapping goes on, so its retry overlaps the still-running one) and its environment
 * is never used again; so is a crashed one's.
 */
export class FunctionEnvironments {
  readonly faults: FunctionFaults;
  private readonly scope = new AsyncLocalStorage<InvocationScope>();
  private readonly idle: Environment[] = [];
  private readonly abandoned = new Set<Promise<unknown>>();
  private environmentsLoaded = 0;

  constructor(
    private readonly loadHandler: HandlerLoader,
    private readonly timeoutMs: number,
  ) {
    this.faults = new FunctionFaults(this.scope);
  }

  /** Environments loaded so far (cold starts). */
  get coldStarts(): number {
    return this.environmentsLoaded;
  }

  /** Invocations abandoned after a timeout that are still running. */
  get stillRunning(): number {
    return this.abandoned.size;
  }

  /** Invokes the function with `event` and reports how it ended; never throws. */
  async invoke(event: KinesisStreamEvent, target: InvocationTarget): Promise<InvocationResult> {
    let environment: Environment;
    try {
      environment = this.idle.pop() ?? (await this.load());
    } catch (error) {
      return { kind: 'error', errorType: 'Unhandled', message: `init failed: ${describe(error)}` };
    }
    const injected = this.faults.functionErrorFor(event, target);
    if (injected !== undefined) {
      this.idle.push(environment);
      return { kind: 'error', errorType: 'Unhandled', message: injected };
    }
    let crash!: () => void;
    const crashed = new Promise<'crashed'>((resolve) => (crash = () => resolve('crashed')));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed-out'>((resolve) => (timer = setTimeout(() => resolve('timed-out'), this.timeoutMs)));
    const settled: Promise<InvocationResult> = this.scope
      .run({ ...target, crash }, () => Promise.resolve().then(() => environment.handler(event)))
      .then(
        (value): InvocationResult => ({ kind: 'returned', value }),
        (error: unknown): InvocationResult => ({ kind: 'error', errorType: 'Unhandled', message: describe(error) }),
      );
    const outcome = await Promise.race([settled, timedOut, crashed]);
    clearTimeout(timer);
    if (outcome === 'timed-out') {
      this.abandoned.add(settled);
      void settled.finally(() => this.abandoned.delete(settled));
      return { kind: 'error', errorType: 'Sandbox.Timedout', message: `Task timed out after ${(this.timeoutMs / 1000).toFixed(2)} seconds` };
    }
    if (outcome === 'crashed') return { kind: 'error', errorType: 'Runtime.ExitError', message: 'Runtime exited without providing a reason' };
    this.idle.push(environment);
    return outcome;
  }

  /** Waits (at most `timeoutMs`) for abandoned invocations to end, so nothing writes after a stop. */
  async drainAbandoned(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.abandoned]), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  private async load(): Promise<Environment> {
    this.environmentsLoaded += 1;
    return { id: this.environmentsLoaded, handler: await this.loadHandler() };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
