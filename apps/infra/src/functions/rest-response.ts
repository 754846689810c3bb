import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** A REST API (Lambda proxy integration) request handler. */
export type RestApiHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** A JSON reply of a REST API Lambda proxy integration. */
export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** An error reply in API Gateway's own shape (`{"message": …}`), so callers see one error format. */
export function errorResponse(statusCode: number, message: string): APIGatewayProxyResult {
  return jsonResponse(statusCode, { message });
}

/** The outcome of reading a request body as JSON. */
export type JsonBody = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly response: APIGatewayProxyResult };

/**
 * Reads the proxy event's body (base64 when API Gateway says so) as JSON, bounded by
 * `maxBytes`; every failure is a 400 or 413 reply, never an exception.
 */
export function readJsonBody(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>, maxBytes: number): JsonBody {
  if (event.body === null || event.body.length === 0) {
    return { ok: false, response: errorResponse(400, 'request body is empty: expected JSON') };
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    return { ok: false, response: errorResponse(413, `request body is larger than ${maxBytes} bytes`) };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, response: errorResponse(400, `request body is not valid JSON: ${(error as Error).message}`) };
  }
}
