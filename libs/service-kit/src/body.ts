import express, { type Request, type RequestHandler } from 'express';
import type { z } from 'zod';
import { HttpError } from './http-error';

/** Default request body limit: 1 MiB (a 1,000-company batch is about 200 KB). */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Reads the whole body, whatever its content type, into `req.body` as a `Buffer`.
 *
 * Services keep the raw bytes because SigV4 signs them; JSON is decoded afterwards by
 * {@link decodeJsonBody}. A body over `limitBytes` fails with 413 `payload-too-large` (the error
 * handler of `createServiceApp` answers it) after the rest of the upload is drained, so the
 * connection stays usable.
 */
export function rawBody(limitBytes: number = DEFAULT_BODY_LIMIT_BYTES): RequestHandler {
  return express.raw({ type: () => true, limit: limitBytes });
}

/** The bytes {@link rawBody} read; empty when the request had no body. */
export function bodyBytes(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/** One failed field of a request: where (`field`, dotted path, `(body)` for the root) and why. */
export interface FieldIssue {
  readonly field: string;
  readonly reason: string;
}

/** Turns zod issues into `{field, reason}` pairs. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.'),
    reason: issue.message,
  }));
}

/** A 400 `validation-failed` naming every failed field and its reason. */
export function validationError(issues: readonly FieldIssue[], cause?: unknown): HttpError {
  const message = issues.map(({ field, reason }) => `${field}: ${reason}`).join('; ');
  return new HttpError(400, 'validation-failed', message, { details: issues, cause });
}

/**
 * Parses the raw body as JSON and decodes it with `schema`.
 *
 * @throws HttpError 400 `invalid-json` when the body is not JSON, 400 `validation-failed` (with
 * the fields and reasons) when it does not match the schema.
 * @example
 * const tenant = decodeJsonBody(req, tenantSchema);
 */
export function decodeJsonBody<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  return decodeJson(bodyBytes(req).toString('utf8'), schema);
}

/** {@link decodeJsonBody} over a string. */
export function decodeJson<S extends z.ZodType>(text: string, schema: S): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new HttpError(400, 'invalid-json', `request body is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return decodeValue(json, schema);
}

/**
 * Decodes an already-parsed value with `schema`.
 *
 * @throws HttpError 400 `validation-failed` naming each failed field and its reason.
 */
export function decodeValue<S extends z.ZodType>(value: unknown, schema: S): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw validationError(toFieldIssues(result.error), result.error);
  }
  return result.data;
}
