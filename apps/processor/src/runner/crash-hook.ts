import { EFFECT_STEPS, type EffectStep } from '../core/batch-processor';

/**
 * A test hook for crash tests: `PROCESSOR_TEST_CRASH_AFTER=<step>[:<n>]` calls `crash` (the local
 * runner SIGKILLs itself) right after the n-th (default first) occurrence of an effect step
 * (`pending-written`, `committed`, `published`, `completed`). Never set it outside tests.
 */
export function crashHook(spec: string | undefined, crash: () => void): ((step: EffectStep) => void) | undefined {
  if (spec === undefined || spec === '') return undefined;
  const [step, nth = '1'] = spec.split(':');
  if (!EFFECT_STEPS.includes(step as EffectStep) || !/^\d+$/.test(nth)) {
    throw new Error(`PROCESSOR_TEST_CRASH_AFTER must be <step>[:<n>] with step one of ${EFFECT_STEPS.join(', ')}; got ${spec}`);
  }
  let remaining = Number(nth);
  return (current) => {
    if (current === step && --remaining === 0) crash();
  };
}
