import { DomainError, type DomainErrorOptions } from '@tenant-analytics/domain';
import { StreamWriteError } from '@tenant-analytics/kinesis-writer';

/** The root of the producer's errors: the CLI prints `message` and exits non-zero. */
export class ProducerError extends DomainError {}

/** A bad flag value or combination; `flag` names the offending flag (`--invalid-ratio`). */
export class UsageError extends ProducerError {
  constructor(
    readonly flag: string,
    message: string,
    options: Pick<DomainErrorOptions, 'cause'> = {},
  ) {
    super(`${flag}: ${message}`, { ...options, context: { flag } });
  }
}

/** The local stack's endpoints file is missing, not JSON, or lacks a key. */
export class EndpointsFileError extends ProducerError {}

/** The target stream does not exist (or is not ACTIVE) at the endpoint. */
export class StreamNotFoundError extends ProducerError {}

/** The credentials are missing, invalid, expired or lack permission on the stream. */
export class CredentialsError extends ProducerError {}

/** The endpoint cannot be reached (connection refused, DNS, TLS). */
export class EndpointUnreachableError extends ProducerError {}

/** Where a Kinesis call went, for error messages. */
export interface KinesisTarget {
  readonly streamName: string;
  /** The endpoint URL, or undefined for the region's AWS endpoint. */
  readonly endpoint?: string;
}

const CREDENTIAL_ERRORS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'AccessDeniedException',
  'MissingAuthenticationTokenException',
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN']);

function describeTarget(target: KinesisTarget): string {
  return `${target.streamName} at ${target.endpoint ?? 'the AWS regional endpoint'}`;
}

/**
 * Turns an error from the Kinesis client or the writer into a {@link ProducerError} with a message
 * that says what to do. Errors already in the family pass through unchanged.
 */
export function translateKinesisError(error: unknown, target: KinesisTarget): ProducerError {
  if (error instanceof ProducerError) {
    return error;
  }
  const context = { streamName: target.streamName, endpoint: target.endpoint };
  const { name = '', code = '', message = String(error) } = (error ?? {}) as { name?: string; code?: string; message?: string };
  if (error instanceof StreamWriteError) {
    return new ProducerError(`${error.message}; no accepted record was sent twice`, { cause: error, context: { ...context, ...error.context }, retriable: true });
  }
  if (name === 'ResourceNotFoundException') {
    return new StreamNotFoundError(`Stream ${describeTarget(target)} not found: create it, or pass --stream (${message})`, { cause: error, context });
  }
  if (name === 'CredentialsProviderError') {
    return new CredentialsError(`No AWS credentials found for ${describeTarget(target)}: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or use the local stack's endpoints file (${message})`, {
      cause: error,
      context,
    });
  }
  if (CREDENTIAL_ERRORS.has(name)) {
    return new CredentialsError(`Kinesis refused the credentials for ${describeTarget(target)}: ${message}`, { cause: error, context });
  }
  if (/region is missing/i.test(message)) {
    return new CredentialsError(`No AWS region configured: pass --region or set AWS_REGION (${message})`, { cause: error, context });
  }
  if (NETWORK_CODES.has(code) || NETWORK_CODES.has(name)) {
    return new EndpointUnreachableError(`Cannot reach ${describeTarget(target)} (${code || name}): is the local stack running (npx nx serve mocks)?`, {
      cause: error,
      context,
      retriable: true,
    });
  }
  return new ProducerError(`Kinesis call for ${describeTarget(target)} failed: ${name ? `${name}: ` : ''}${message}`, { cause: error, context });
}
