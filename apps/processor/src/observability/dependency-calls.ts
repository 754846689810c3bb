import diagnosticsChannel from 'node:diagnostics_channel';
import type { InitializeMiddleware } from '@smithy/types';
import type { AwsClients } from '../composition';
import type { DependencyOutcome, PrometheusMetrics } from './prometheus-metrics';

type CallRecorder = Pick<PrometheusMetrics, 'dependencyCall'>;

/** The part of an undici request the diagnostics channels expose that this module reads. */
interface UndiciRequest {
  readonly origin?: unknown;
  readonly method?: unknown;
}

/** HTTP status → outcome: 429 is a throttle, 5xx an error; any other answer reached the service. */
export function httpOutcome(statusCode: number): DependencyOutcome {
  if (statusCode === 429) return 'throttled';
  return statusCode >= 500 ? 'error' : 'ok';
}

/** SDK error → outcome (throttling errors by their names, as the SDK's retry strategy classifies them). */
export function sdkErrorOutcome(error: unknown): DependencyOutcome {
  const name = error instanceof Error ? error.name : '';
  return /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded|SlowDown|LimitExceeded/.test(name) ? 'throttled' : 'error';
}

/**
 * Times the HTTP calls made with the global `fetch` (the tenant manager and the churn API go
 * through `createSignedFetch`) from undici's diagnostics channels: no adapter changes. `origins`
 * names the dependency of each origin (`http://127.0.0.1:4010` → `tenant-manager`); calls to other
 * origins are ignored. Latency is to the response headers; a network error or timeout is an error.
 * Returns the unsubscribe function.
 */
export function recordFetchCalls(metrics: CallRecorder, origins: ReadonlyMap<string, string>, now: () => number = () => performance.now()): () => void {
  const started = new WeakMap<object, number>();
  const dependencyOf = (request: UndiciRequest): string | undefined => (typeof request.origin === 'string' ? origins.get(new URL(request.origin).origin) : undefined);
  const finish = (request: UndiciRequest, outcome: DependencyOutcome): void => {
    const dependency = dependencyOf(request);
    const startedAt = started.get(request);
    if (dependency === undefined || startedAt === undefined) return;
    started.delete(request);
    metrics.dependencyCall(dependency, typeof request.method === 'string' ? request.method : 'request', outcome, now() - startedAt);
  };
  const onCreate = (message: unknown): void => {
    const { request } = message as { request: UndiciRequest };
    if (dependencyOf(request) !== undefined) started.set(request, now());
  };
  const onHeaders = (message: unknown): void => {
    const { request, response } = message as { request: UndiciRequest; response: { statusCode: number } };
    finish(request, httpOutcome(response.statusCode));
  };
  const onError = (message: unknown): void => finish((message as { request: UndiciRequest }).request, 'error');
  diagnosticsChannel.subscribe('undici:request:create', onCreate);
  diagnosticsChannel.subscribe('undici:request:headers', onHeaders);
  diagnosticsChannel.subscribe('undici:request:error', onError);
  return () => {
    diagnosticsChannel.unsubscribe('undici:request:create', onCreate);
    diagnosticsChannel.unsubscribe('undici:request:headers', onHeaders);
    diagnosticsChannel.unsubscribe('undici:request:error', onError);
  };
}

/**
 * Adds a middleware to each SDK client that records every operation (its SDK retries included) as
 * a call of dependency `kinesis`, `s3` or `dynamodb`, labelled with the command name.
 */
export function recordSdkCalls(metrics: CallRecorder, clients: AwsClients, now: () => number = () => performance.now()): void {
  const middleware =
    <Input extends object, Output extends object>(dependency: string): InitializeMiddleware<Input, Output> =>
    (next, context) =>
    async (args) => {
      const startedAt = now();
      const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      try {
        const result = await next(args);
        metrics.dependencyCall(dependency, operation, 'ok', now() - startedAt);
        return result;
      } catch (error) {
        metrics.dependencyCall(dependency, operation, sdkErrorOutcome(error), now() - startedAt);
        throw error;
      }
    };
  const options = { step: 'initialize', name: 'tenantAnalyticsDependencyCalls', override: true } as const;
  clients.kinesis.middlewareStack.add(middleware('kinesis'), options);
  clients.s3.middlewareStack.add(middleware('s3'), options);
  clients.dynamodb.middlewareStack.add(middleware('dynamodb'), options);
}
