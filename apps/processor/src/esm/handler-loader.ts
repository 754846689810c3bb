import { createRequire } from 'node:module';
import path from 'node:path';
import type { HandlerLoader, KinesisFunctionHandler } from './function-environments';

/** The production entry point the emulator runs: `apps/processor/src/handler.ts`. */
export const HANDLER_MODULE = path.resolve(__dirname, '../handler.ts');

/**
 * Loads the `handler` export of a CommonJS module (TypeScript through tsx), a fresh module instance
 * per call: each call is the cold start of a new execution environment. The function's environment
 * variables (`PROPERTY_GROUPS`, credentials) must be in `process.env` before the first call.
 * Jest keeps its own module registry: tests pass a loader built on `jest.isolateModules` instead.
 */
export function moduleHandlerLoader(modulePath: string = HANDLER_MODULE): HandlerLoader {
  const load = createRequire(__filename);
  return () => {
    const resolved = load.resolve(modulePath);
    delete load.cache[resolved];
    const loaded: unknown = load(resolved);
    const handler = typeof loaded === 'object' && loaded !== null ? (loaded as { handler?: unknown }).handler : undefined;
    if (typeof handler !== 'function') throw new Error(`${modulePath} does not export a handler function`);
    return handler as KinesisFunctionHandler;
  };
}
