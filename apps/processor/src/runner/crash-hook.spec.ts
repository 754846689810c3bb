import { crashHook } from './crash-hook';

describe('crashHook', () => {
  it('is off without a spec', () => {
    expect(crashHook(undefined, jest.fn())).toBeUndefined();
    expect(crashHook('', jest.fn())).toBeUndefined();
  });

  it('crashes after the n-th occurrence of the step, not before', () => {
    const crash = jest.fn();
    const hook = crashHook('published:2', crash);

    hook?.('committed');
    hook?.('published');
    expect(crash).not.toHaveBeenCalled();
    hook?.('published');

    expect(crash).toHaveBeenCalledTimes(1);
  });

  it('defaults to the first occurrence', () => {
    const crash = jest.fn();
    crashHook('pending-written', crash)?.('pending-written');
    expect(crash).toHaveBeenCalledTimes(1);
  });

  it.each(['bogus', 'committed:x', 'committed:'])('rejects the spec %s naming the variable and the steps', (spec) => {
    expect(() => crashHook(spec, jest.fn())).toThrow(/PROCESSOR_TEST_CRASH_AFTER must be <step>\[:<n>\] with step one of pending-written, committed, published, completed/);
  });
});
