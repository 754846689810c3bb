import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsStyleError } from '@tenant-analytics/service-kit';
import type { CredentialStore } from './credential-store';

/** How far `x-amz-date` may be from the server's clock, as AWS allows. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** The parts of an HTTP request a SigV4 signature covers, as they arrived. */
export interface SignedRequestFacts {
  readonly method: string;
  /** The path as sent on the wire (still percent-encoded), without the query. */
  readonly rawPath: string;
  /** The query string as sent, without `?`. */
  readonly rawQuery: string;
  /** Header names in lower case (Node's `req.headers`). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Uint8Array;
}

/** What a request must be signed for. */
export interface SigV4Expectation {
  readonly credentials: CredentialStore;
  readonly region: string;
  /** Signing name: `execute-api` (API Gateway) or `sagemaker` (SageMaker runtime). */
  readonly service: string;
  /** @default - `new Date()` */
  readonly now?: Date;
}

/** Who signed an accepted request. */
export interface VerifiedSignature {
  readonly accessKeyId: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

function forbidden(errorType: string, message: string, context: Record<string, unknown> = {}): AwsStyleError {
  return new AwsStyleError(403, errorType, message, { context });
}

function header(facts: SignedRequestFacts, name: string): string | undefined {
  const value = facts.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** `Credential=…, SignedHeaders=…, Signature=…` of an `AWS4-HMAC-SHA256` Authorization header. */
function parseAuthorization(authorization: string): { credential: string; signedHeaders: string[]; signature: string } {
  if (!authorization.startsWith(`${ALGORITHM} `)) {
    throw forbidden('IncompleteSignatureException', `Authorization header must use the ${ALGORITHM} algorithm.`);
  }
  const parameters = new Map<string, string>();
  for (const part of authorization.slice(ALGORITHM.length + 1).split(',')) {
    const separator = part.indexOf('=');
    if (separator > 0) {
      parameters.set(part.slice(0, separator).trim(), part.slice(separator + 1).trim());
    }
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !parameters.get(name));
  if (missing.length > 0) {
    throw forbidden('IncompleteSignatureException', missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' '));
  }
  return {
    credential: parameters.get('Credential') ?? '',
    signedHeaders: (parameters.get('SignedHeaders') ?? '').split(';'),
    signature: parameters.get('Signature') ?? '',
  };
}

function parseAmzDate(value: string): Date | undefined {
  const match = AMZ_DATE.exec(value);
  if (!match) {
    return undefined;
  }
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const date = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** A raw query string as the signer wants it: decoded values, repeated names as arrays. */
export function parseQuery(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  const params = new URLSearchParams(rawQuery);
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    query[name] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return query;
}

function sameHex(expected: string, actual: string): boolean {
  const expectedBytes = Buffer.from(expected, 'utf8');
  const actualBytes = Buffer.from(actual, 'utf8');
  return expectedBytes.length === actualBytes.length && timingSafeEqual(expectedBytes, actualBytes);
}

/**
 * Checks a request's AWS Signature Version 4 the way AWS front doors do: recomputes it with the same
 * library the SDKs sign with (`@smithy/signature-v4`), over the request's own signed headers, raw
 * path, query and raw body, with the secret of the access key named in the credential scope, and
 * compares in constant time.
 *
 * @returns who signed.
 * @throws AwsStyleError 403 with AWS's error type and message: `MissingAuthenticationTokenException`
 * (no Authorization), `IncompleteSignatureException` (malformed, no X-Amz-Date),
 * `UnrecognizedClientException` (unknown access key), `InvalidSignatureException` (wrong region or
 * service in the scope, date more than 5 minutes off, body hash or signature mismatch).
 */
export async function verifySigV4(facts: SignedRequestFacts, expected: SigV4Expectation): Promise<VerifiedSignature> {
  const authorization = header(facts, 'authorization');
  if (!authorization) {
    throw forbidden('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const { credential, signedHeaders, signature } = parseAuthorization(authorization);

  const amzDate = header(facts, 'x-amz-date');
  if (!amzDate) {
    throw forbidden('IncompleteSignatureException', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) {
    throw forbidden('IncompleteSignatureException', `X-Amz-Date ${amzDate} is not in the ISO-8601 basic format (yyyyMMddTHHmmssZ).`);
  }

  const [accessKeyId = '', scopeDate, scopeRegion, scopeService, terminator, ...extra] = credential.split('/');
  if (!scopeDate || !scopeRegion || !scopeService || terminator !== 'aws4_request' || extra.length > 0) {
    throw forbidden('IncompleteSignatureException', `Credential must have the form <key>/<date>/<region>/<service>/aws4_request, got '${credential}'.`);
  }
  if (scopeRegion !== expected.region) {
    throw forbidden('InvalidSignatureException', `Credential should be scoped to a valid region, not '${scopeRegion}'.`, { scopeRegion });
  }
  if (scopeService !== expected.service) {
    throw forbidden('InvalidSignatureException', `Credential should be scoped to correct service: '${expected.service}'.`, { scopeService });
  }
  if (scopeDate !== amzDate.slice(0, 8)) {
    throw forbidden('InvalidSignatureException', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}'.`);
  }

  const now = expected.now ?? new Date();
  const skewMs = signingDate.getTime() - now.getTime();
  if (skewMs < -MAX_CLOCK_SKEW_MS) {
    throw forbidden('InvalidSignatureException', `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(new Date(now.getTime() - MAX_CLOCK_SKEW_MS))} (${formatAmzDate(now)} - 5 min.)`, { skewMs });
  }
  if (skewMs > MAX_CLOCK_SKEW_MS) {
    throw forbidden('InvalidSignatureException', `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(new Date(now.getTime() + MAX_CLOCK_SKEW_MS))} (${formatAmzDate(now)} + 5 min.)`, { skewMs });
  }

  const secretAccessKey = expected.credentials.secretFor(accessKeyId);
  if (secretAccessKey === undefined) {
    throw forbidden('UnrecognizedClientException', 'The security token included in the request is invalid.', { accessKeyId });
  }
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) {
    throw forbidden('InvalidSignatureException', "'Host' and 'X-Amz-Date' must be SignedHeaders in the AWS Authorization.");
  }

  const payloadHash = header(facts, 'x-amz-content-sha256');
  if (payloadHash !== undefined && (payloadHash === UNSIGNED_PAYLOAD || payloadHash !== createHash('sha256').update(facts.body).digest('hex'))) {
    throw forbidden('InvalidSignatureException', "The provided 'x-amz-content-sha256' header does not match what was computed.", { accessKeyId });
  }

  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = header(facts, name);
    if (value !== undefined) {
      headers[name] = value;
    }
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey },
    region: expected.region,
    service: expected.service,
    sha256: Sha256,
    applyChecksum: false,
  });
  const recomputed = await signer.sign(
    new HttpRequest({ method: facts.method, protocol: 'http:', hostname: 'localhost', path: facts.rawPath, query: parseQuery(facts.rawQuery), headers, body: facts.body }),
    { signingDate, signableHeaders: new Set(signedHeaders) },
  );
  const expectedAuthorization = String(recomputed.headers['authorization'] ?? '');
  const expectedSignature = /Signature=([0-9a-f]+)$/.exec(expectedAuthorization)?.[1] ?? '';
  const expectedSignedHeaders = /SignedHeaders=([^,]+),/.exec(expectedAuthorization)?.[1] ?? '';
  if (expectedSignedHeaders !== signedHeaders.join(';') || !sameHex(expectedSignature, signature)) {
    throw forbidden('InvalidSignatureException', SIGNATURE_MISMATCH, { accessKeyId });
  }
  return { accessKeyId };
}
