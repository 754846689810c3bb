import { timingSafeEqual } from 'node:crypto';
import { AwsStyleError, bodyBytes } from '@tenant-analytics/service-kit';
import type { RequestHandler } from 'express';
import { verifySigV4, type SigV4Expectation } from './sigv4-verifier';

/**
 * Rejects a request without a valid SigV4 signature for `expectation` (403, AWS-style body).
 * Mount it after `rawBody` (the signature covers the raw bytes) and before the faults.
 */
export function requireSigV4(expectation: Omit<SigV4Expectation, 'now'> & { readonly now?: () => Date }): RequestHandler {
  return async (req, _res, next) => {
    const queryStart = req.originalUrl.indexOf('?');
    const { accessKeyId } = await verifySigV4(
      {
        method: req.method,
        rawPath: queryStart < 0 ? req.originalUrl : req.originalUrl.slice(0, queryStart),
        rawQuery: queryStart < 0 ? '' : req.originalUrl.slice(queryStart + 1),
        headers: req.headers,
        body: bodyBytes(req),
      },
      { ...expectation, now: expectation.now?.() },
    );
    req.log.debug({ accessKeyId }, 'signature verified');
    next();
  };
}

/** Rejects a request whose `x-api-key` is missing or differs from `apiKey`, like API Gateway: 403 `{"message":"Forbidden"}`. */
export function requireApiKey(apiKey: string): RequestHandler {
  const expected = Buffer.from(apiKey, 'utf8');
  return (req, _res, next) => {
    const given = Buffer.from(String(req.headers['x-api-key'] ?? ''), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new AwsStyleError(403, 'ForbiddenException', 'Forbidden');
    }
    next();
  };
}
