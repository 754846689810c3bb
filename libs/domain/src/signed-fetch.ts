import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { HttpNetworkError, HttpStatusError, HttpTimeoutError, type HttpRequestFacts } from './errors';

/** How {@link createSignedFetch} signs and bounds each request. */
export interface SignedFetchOptions {
  /** SigV4 signing name (`execute-api`, `sagemaker`…), from config: never guessed from the host. */
  readonly service: string;
  /** SigV4 signing region. */
  readonly region: string;
  /**
   * Where credentials come from. Called for every request, so rotated or refreshed credentials take
   * effect at once (the provider may cache internally, as the default chain does).
   * @default - the AWS default chain (`defaultProvider()`, what `fromNodeProviderChain()` wraps):
   * environment, SSO, web identity, shared files, process, ECS, IMDS; memoized and refreshed before expiry
   */
  readonly credentials?: AwsCredentialIdentityProvider;
  /** Sent as `x-api-key` (API Gateway usage plans). Never logged nor put in errors. */
  readonly apiKey?: string;
  /** Budget for one attempt: signing, connecting, and reading the whole response body. */
  readonly timeoutMs: number;
  /** @default true - `false` sends plain requests (the api key still applies) */
  readonly sign?: boolean;
}

/** What a {@link SignedFetch} accepts besides the URL: the `fetch` subset that can be signed. */
export interface SignedFetchInit {
  /** @default 'GET' */
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Signed byte for byte; a string is sent as UTF-8. */
  readonly body?: string | Uint8Array;
  /** The caller's cancellation, combined with the per-attempt timeout. */
  readonly signal?: AbortSignal;
}

/**
 * A `fetch`-compatible function that signs every request. It resolves with any response status
 * (use {@link assertOk} to turn a non-2xx into an error) and rejects with {@link HttpTimeoutError}
 * or {@link HttpNetworkError} (both retriable), or with the caller's abort reason.
 */
export type SignedFetch = (url: string | URL, init?: SignedFetchInit) => Promise<Response>;

/** Headers the signer owns: a caller's value would let an unsigned body through or clash. */
const SIGNER_HEADERS = new Set(['authorization', 'host', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256']);
/** Statuses whose responses cannot carry a body (the `Response` constructor rejects one). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);
/** The messages of the TypeError that `fetch` implementations reject with on a network failure. */
const NETWORK_MESSAGES = new Set(['fetch failed', 'Failed to fetch']);

const utf8 = new TextEncoder();

function requestHeaders(init: SignedFetchInit, apiKey: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(init.headers ?? {})) {
    if (!SIGNER_HEADERS.has(name.toLowerCase())) {
      headers[name.toLowerCase()] = value;
    }
  }
  if (apiKey !== undefined) {
    headers['x-api-key'] = apiKey;
  }
  return headers;
}

function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(name);
    query[name] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return query;
}

async function signedHeaders(
  signer: SignatureV4,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Uint8Array | undefined,
): Promise<Record<string, string>> {
  const request = new HttpRequest({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    path: url.pathname,
    query: queryOf(url),
    headers: { ...headers, host: url.host },
    body,
  });
  const signed = await signer.sign(request);
  // fetch derives Host from the URL (the same value that was signed); it must not be sent twice.
  const { host: _host, ...rest } = signed.headers;
  return rest;
}

/** The system error code (`ECONNRESET`…) somewhere in a fetch failure's cause chain. */
function networkCode(err: unknown): string | undefined {
  for (let current: unknown = err, depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    if (typeof current === 'object' && 'code' in current && typeof current.code === 'string') {
      return current.code;
    }
    const nested: unknown = current instanceof AggregateError ? current.errors[0] : (current as { cause?: unknown }).cause;
    current = nested;
  }
  return undefined;
}

function translateFailure(err: unknown, request: HttpRequestFacts, timeout: AbortSignal, timeoutMs: number): unknown {
  if (timeout.aborted && (err === timeout.reason || (err instanceof Error && err.name === 'TimeoutError'))) {
    return new HttpTimeoutError({ ...request, timeoutMs }, { cause: err });
  }
  if (err instanceof TypeError && (NETWORK_MESSAGES.has(err.message) || networkCode(err) !== undefined)) {
    const code = networkCode(err);
    return new HttpNetworkError(code === undefined ? request : { ...request, code }, { cause: err });
  }
  return err;
}

/**
 * Reads the body inside the attempt, so the timeout covers it and a slow body surfaces as an
 * {@link HttpTimeoutError} here rather than as a bare abort in the caller's `response.json()`.
 */
async function bufferedResponse(response: Response): Promise<Response> {
  const body = NULL_BODY_STATUSES.has(response.status) ? null : await response.arrayBuffer();
  const copy = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  Object.defineProperty(copy, 'url', { value: response.url });
  return copy;
}

/**
 * Creates the project's HTTP client: SigV4-signs each request (`@smithy/signature-v4`, service and
 * region from config), resolves credentials on every call, adds `x-api-key` when configured and
 * bounds each attempt with an `AbortSignal` timeout. Requests go through the global `fetch`, whose
 * default agent keeps connections alive between calls.
 *
 * Redirects are not followed: a signature is valid for one URL only, and the api key must not
 * travel to another host. A 3xx comes back as a response like any other status.
 *
 * @example
 * const signedFetch = createSignedFetch({ service: 'execute-api', region: 'us-west-2', timeoutMs: 2_000 });
 * const response = await assertOk(await signedFetch(endpoint, { method: 'POST', body: JSON.stringify(company) }), 'POST');
 */
export function createSignedFetch(options: SignedFetchOptions): SignedFetch {
  const signer =
    options.sign === false
      ? undefined
      : new SignatureV4({
          service: options.service,
          region: options.region,
          credentials: options.credentials ?? defaultProvider(),
          sha256: Sha256,
        });
  return async (url, init = {}) => {
    const target = new URL(url);
    const method = (init.method ?? 'GET').toUpperCase();
    const facts: HttpRequestFacts = { method, url: target };
    const body = typeof init.body === 'string' ? utf8.encode(init.body) : init.body;
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = init.signal === undefined ? timeout : AbortSignal.any([init.signal, timeout]);
    try {
      const unsigned = requestHeaders(init, options.apiKey);
      const headers = signer === undefined ? unsigned : await signedHeaders(signer, target, method, unsigned, body);
      signal.throwIfAborted();
      const response = await fetch(target, { method, headers, body, signal, redirect: 'manual' });
      return await bufferedResponse(response);
    } catch (err) {
      throw translateFailure(err, facts, timeout, options.timeoutMs);
    }
  };
}

/**
 * Resolves with the response when its status is 2xx; otherwise reads up to 500 characters of the
 * body and rejects with an {@link HttpStatusError} (retriable for 408, 429 and 5xx).
 *
 * @example
 * const tenant = await (await assertOk(await signedFetch(url), 'GET')).json();
 */
export async function assertOk(response: Response, method = 'GET'): Promise<Response> {
  if (response.ok) {
    return response;
  }
  // The status is the error; a body that cannot be read only leaves the excerpt empty.
  const body = await response.text().catch(() => '');
  throw new HttpStatusError({ method, url: response.url, status: response.status, body });
}
