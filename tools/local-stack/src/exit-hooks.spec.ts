import { stopOnParentExit, type StoppableStack } from './exit-hooks';

/** The listener stopOnParentExit added, called directly so that other listeners (jest's) stay out of it. */
const addedListener = (listeners: readonly unknown[], before: readonly unknown[]): ((...args: unknown[]) => void) => {
  const added = listeners.filter((listener) => !before.includes(listener));
  expect(added).toHaveLength(1);
  return added[0] as (...args: unknown[]) => void;
};

describe('stopOnParentExit', () => {
  const stackFactory = (): StoppableStack & { stop: jest.Mock; stopNow: jest.Mock } => ({
    stop: jest.fn(async () => undefined),
    stopNow: jest.fn(),
  });

  it('listens for exit, SIGINT and SIGTERM only while a stack runs', () => {
    // Prepare
    const before = { exit: process.listenerCount('exit'), SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') };

    // Act
    const untrackFirst = stopOnParentExit(stackFactory());
    const untrackSecond = stopOnParentExit(stackFactory());
    const during = { exit: process.listenerCount('exit'), SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') };
    untrackFirst();
    untrackSecond();

    // Assess
    expect(during).toEqual({ exit: before.exit + 1, SIGINT: before.SIGINT + 1, SIGTERM: before.SIGTERM + 1 });
    expect(process.listenerCount('SIGINT')).toBe(before.SIGINT);
    expect(process.listenerCount('exit')).toBe(before.exit);
  });

  it('stops every running stack on SIGTERM', async () => {
    // Prepare
    const first = stackFactory();
    const second = stackFactory();
    const before = process.listeners('SIGTERM');
    const untrack = [stopOnParentExit(first), stopOnParentExit(second)];

    // Act
    addedListener(process.listeners('SIGTERM'), before)('SIGTERM');
    await new Promise(setImmediate);
    untrack.forEach((done) => done());

    // Assess
    expect(first.stop).toHaveBeenCalledTimes(1);
    expect(second.stop).toHaveBeenCalledTimes(1);
  });

  it('kills children synchronously when the process exits', () => {
    // Prepare
    const stack = stackFactory();
    const before = process.listeners('exit');
    const untrack = stopOnParentExit(stack);

    // Act
    addedListener(process.listeners('exit'), before)(0);
    untrack();

    // Assess
    expect(stack.stopNow).toHaveBeenCalledTimes(1);
    expect(stack.stop).not.toHaveBeenCalled();
  });
});
