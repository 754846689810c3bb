import type { KinesisStreamEvent } from 'aws-lambda';
import { FunctionEnvironments, type KinesisFunctionHandler } from './function-environments';
import { functionFaultHook, installFunctionFaultController } from './function-fault-hook';

const event: KinesisStreamEvent = { Records: [] };
const target = { stream: 'bigdatajobs', shardId: 'shardId-000000000000' };

describe('FunctionEnvironments', () => {
  afterEach(() => installFunctionFaultController(undefined));

  it('reuses an idle environment for the next invocation', async () => {
    let loads = 0;
    const environments = new FunctionEnvironments(() => {
      loads += 1;
      return async () => ({ batchItemFailures: [] });
    }, 1_000);

    await environments.invoke(event, target);
    const result = await environments.invoke(event, target);

    expect({ result, loads }).toEqual({ result: { kind: 'returned', value: { batchItemFailures: [] } }, loads: 1 });
  });

  it('abandons an invocation past its timeout without cancelling it, and runs the next one in a new environment', async () => {
    let release!: () => void;
    let finished = false;
    const slow: KinesisFunctionHandler = async () => {
      await new Promise<void>((resolve) => (release = resolve));
      finished = true;
      return null;
    };
    const handlers = [slow, async () => ({ batchItemFailures: [] })];
    const environments = new FunctionEnvironments(() => handlers.shift() as KinesisFunctionHandler, 20);

    const timedOut = await environments.invoke(event, target);
    const stillRunning = environments.stillRunning;
    const next = await environments.invoke(event, target);
    release();
    await environments.drainAbandoned(1_000);

    expect({ timedOut, stillRunning, next, coldStarts: environments.coldStarts, finished }).toEqual({
      timedOut: { kind: 'error', errorType: 'Sandbox.Timedout', message: 'Task timed out after 0.02 seconds' },
      stillRunning: 1,
      next: { kind: 'returned', value: { batchItemFailures: [] } },
      coldStarts: 2,
      finished: true,
    });
  });

  it('reports a crash at an effect step as Runtime.ExitError, and the invocation goes no further', async () => {
    const environments = new FunctionEnvironments(() => {
      const afterStep = functionFaultHook();
      return async () => {
        await afterStep?.('committed');
        throw new Error('must not be reached');
      };
    }, 1_000);
    installFunctionFaultController(environments.faults);
    environments.faults.crashAfterStep('committed');

    const result = await environments.invoke(event, target);

    expect(result).toEqual({ kind: 'error', errorType: 'Runtime.ExitError', message: 'Runtime exited without providing a reason' });
    expect(environments.faults.fired).toEqual([{ kind: 'crash', step: 'committed', ...target }]);
  });

  it('reports a throwing handler and a failing cold start as Unhandled', async () => {
    const throwing = new FunctionEnvironments(() => async () => Promise.reject(new TypeError('bad')), 1_000);
    const failingInit = new FunctionEnvironments(() => {
      throw new Error('bad config');
    }, 1_000);

    expect(await throwing.invoke(event, target)).toEqual({ kind: 'error', errorType: 'Unhandled', message: 'TypeError: bad' });
    expect(await failingInit.invoke(event, target)).toEqual({ kind: 'error', errorType: 'Unhandled', message: 'init failed: Error: bad config' });
  });

  it('leaves the handler without a fault hook when no emulator is installed (AWS)', () => {
    expect(functionFaultHook()).toBeUndefined();
  });
});
