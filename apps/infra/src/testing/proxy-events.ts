import type { APIGatewayProxyEvent } from 'aws-lambda';

/** A REST API proxy event with the fields the functions read; the rest as API Gateway sends them empty. */
export function proxyEventFactory(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    resource: '/assessChurn',
    path: '/assessChurn',
    httpMethod: 'POST',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  };
}

/** A logger that records what it is told. */
export function recordingLogger() {
  const entries: { level: string; message: string; fields?: Readonly<Record<string, unknown>> }[] = [];
  const at = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => void entries.push({ level, message, fields });
  return { entries, info: at('info'), warn: at('warn'), error: at('error') };
}
