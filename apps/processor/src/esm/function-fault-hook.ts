/**
 * The one seam between the production handler and the local event source mapping emulator, for
 * fault injection in tests: the emulator runs `handler.ts` in its own process and installs a
 * controller here before it loads the handler; the handler passes {@link functionFaultHook}'s
 * result to the core as `afterStep`. On AWS nothing installs a controller, the hook is undefined
 * and the core runs without it. Kept free of imports so the Lambda bundle gains nothing.
 */
const CONTROLLER_KEY = Symbol.for('tenant-analytics.processor.esm-fault-controller');

/** What the emulator does at an effect step of the invocation in progress (crash, stall, nothing). */
export interface FunctionFaultController {
  afterStep(step: string): Promise<void> | void;
}

type GlobalWithController = typeof globalThis & { [CONTROLLER_KEY]?: FunctionFaultController };

/** Installs (or, with undefined, removes) the emulator's controller for this process. */
export function installFunctionFaultController(controller: FunctionFaultController | undefined): void {
  const global = globalThis as GlobalWithController;
  if (controller === undefined) delete global[CONTROLLER_KEY];
  else global[CONTROLLER_KEY] = controller;
}

/**
 * The `afterStep` hook for the handler: defined only when the emulator installed a controller
 * before the handler module loaded.
 */
export function functionFaultHook(): ((step: string) => Promise<void> | void) | undefined {
  if ((globalThis as GlobalWithController)[CONTROLLER_KEY] === undefined) return undefined;
  return (step) => (globalThis as GlobalWithController)[CONTROLLER_KEY]?.afterStep(step);
}
