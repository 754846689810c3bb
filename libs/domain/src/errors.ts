import { redactUrl, redactValue } from './redaction';

/** Options every {@link DomainError} accepts. */
export interface DomainErrorOptions {
  /** The error this one translates; kept as the standard ES2022 `cause`. */
  readonly cause?: unknown;
  /** Structured facts for logs (companyID, sequenceNumber, url…). Never put secrets here. */
  readonly context?: Readonly<Record<string, unknown>>;
  /** @default false - an error is permanent unless the subclass says otherwise */
  readonly retriable?: boolean;
}

/**
 * The root of the project's error family. Callers branch on the class or on {@link retriable};
 * logs get {@link context} as structured fields.
 *
 * @example
 * try { await call(); } catch (err) { if (!isRetriable(err)) throw err; }
 */
export class DomainError extends Error {
  /** Whether trying the same operation again may succeed (timeouts, throttling, 5xx). */
  readonly retriable: boolean;
  /** Structured facts about the failure, safe to log. */
  readonly context: Readonly<Record<string, unknown>>;

  constructor(message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
    this.context = Object.freeze({ ...options.context });
  }
}

/** How a configuration entry is wrong. */
export type ConfigIssueProblem = 'missing' | 'invalid' | 'unknown' | 'conflict' | 'source';

/** One problem with one configuration key (or with the configuration source itself). */
export interface ConfigIssue {
  /** The key (`jobs.stream.initial.position`), or the source (`config file /etc/app.json`). */
  readonly key: string;
  readonly problem: ConfigIssueProblem;
  /** The offending value as given; {@link ConfigError} redacts it when the key is secret. */
  readonly value?: string;
  /**
   * What was expected, in words ("one of LATEST, TRIM_HORIZON, AT_TIMESTAMP"); for `unknown` the
   * hint ("did you mean jobs.stream.name?"), for `conflict` and `source` the explanation.
   */
  readonly expected: string;
}

function describeConfigIssue(issue: ConfigIssue): string {
  switch (issue.problem) {
    case 'missing':
      return `${issue.key} is required: expected ${issue.expected}`;
    case 'invalid':
      return `${issue.key} = ${JSON.stringify(issue.value ?? '')}: expected ${issue.expected}`;
    case 'unknown':
      return `unknown key ${issue.key} (${issue.expected})`;
    case 'conflict':
    case 'source':
      return `${issue.key}: ${issue.expected}`;
  }
}

/**
 * Bad configuration: lists every problem at once, so one start-up attempt shows them all. Values of
 * secret-looking keys (`predictChurnApiKey`, `*secret*`, `*key*`, `*token*`) are replaced by `***`.
 * Not retriable: the process should exit.
 */
export class ConfigError extends DomainError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options: Omit<DomainErrorOptions, 'retriable' | 'context'> = {}) {
    const redacted = issues.map((issue) =>
      issue.value === undefined ? issue : { ...issue, value: redactValue(issue.key, issue.value) },
    );
    const lines = redacted.map((issue) => `  - ${describeConfigIssue(issue)}`);
    const count = redacted.length === 1 ? '1 problem' : `${redacted.length} problems`;
    super(`Invalid configuration (${count}):\n${lines.join('\n')}`, {
      ...options,
      context: { keys: redacted.map((issue) => issue.key) },
    });
    this.issues = Object.freeze(redacted);
  }
}

/** Longest response-body excerpt kept in an {@link HttpStatusError}. */
export const MAX_BODY_EXCERPT_CHARS = 500;

/** Request facts shared by the HTTP errors. The URL is redacted before it is stored. */
export interface HttpRequestFacts {
  readonly method: string;
  readonly url: string | URL;
}

function httpContext(request: HttpRequestFacts, extra: Record<string, unknown>): Record<string, unknown> {
  return { method: request.method.toUpperCase(), url: redactUrl(request.url), ...extra };
}

/** HTTP statuses worth retrying: request timeout, throttling, server errors. */
export function isRetriableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** A response with a non-2xx status. Retriable for 408, 429 and 5xx. */
export class HttpStatusError extends DomainError {
  readonly status: number;
  /** The first {@link MAX_BODY_EXCERPT_CHARS} characters of the response body. */
  readonly bodyExcerpt: string;

  constructor(request: HttpRequestFacts & { readonly status: number; readonly body?: string }, options: Pick<DomainErrorOptions, 'cause'> = {}) {
    const bodyExcerpt = (request.body ?? '').slice(0, MAX_BODY_EXCERPT_CHARS);
    const context = httpContext(request, { status: request.status });
    super(`${context['method']} ${context['url']} returned HTTP ${request.status}${bodyExcerpt ? `: ${bodyExcerpt}` : ''}`, {
      ...options,
      context,
      retriable: isRetriableStatus(request.status),
    });
    this.status = request.status;
    this.bodyExcerpt = bodyExcerpt;
  }
}

/** The request did not complete within its per-attempt timeout. Retriable. */
export class HttpTimeoutError extends DomainError {
  readonly timeoutMs: number;

  constructor(request: HttpRequestFacts & { readonly timeoutMs: number }, options: Pick<DomainErrorOptions, 'cause'> = {}) {
    const context = httpContext(request, { timeoutMs: request.timeoutMs });
    super(`${context['method']} ${context['url']} timed out after ${request.timeoutMs} ms`, { ...options, context, retriable: true });
    this.timeoutMs = request.timeoutMs;
  }
}

/** The connection failed (refused, reset, DNS…) before a response arrived. Retriable. */
export class HttpNetworkError extends DomainError {
  /** The system error code when known (`ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`). */
  readonly code: string | undefined;

  constructor(request: HttpRequestFacts & { readonly code?: string }, options: Pick<DomainErrorOptions, 'cause'> = {}) {
    const context = httpContext(request, { code: request.code });
    super(`${context['method']} ${context['url']} failed: ${request.code ?? 'network error'}`, { ...options, context, retriable: true });
    this.code = request.code;
  }
}

/**
 * A response arrived but its body is not what the contract says (bad JSON, wrong shape, wrong
 * number of predictions). Not retriable: the same request would get the same answer.
 */
export class ResponseDecodeError extends DomainError {
  constructor(message: string, options: Omit<DomainErrorOptions, 'retriable'> = {}) {
    super(message, { ...options, retriable: false });
  }
}

/**
 * Whether an error is worth retrying: a {@link DomainError}'s flag, or a `retriable: boolean` on
 * another error object. Anything else (programmer errors, validation errors) is not.
 */
export function isRetriable(err: unknown): boolean {
  if (err instanceof DomainError) {
    return err.retriable;
  }
  return typeof err === 'object' && err !== null && 'retriable' in err && err.retriable === true;
}
