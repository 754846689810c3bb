import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** A key pair the local API accepts, with the IAM principal it stands for. */
export interface LocalCredential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The caller's ARN, as `aws:PrincipalArn` in the API's resource policy. */
  readonly principalArn: string;
}

/** One route of the local API: `POST /assessChurn`, `GET /api/v1/tenants/{tenantID}`. */
export interface LocalRoute {
  readonly method: string;
  /** The API Gateway resource path, with `{name}` path parameters. */
  readonly resource: string;
}

/** What {@link startLocalRestApi} serves. */
export interface LocalRestApiOptions {
  readonly handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
  readonly routes: readonly LocalRoute[];
  readonly credentials: readonly LocalCredential[];
  /** Principals the API's resource policy admits (`aws:PrincipalArn`); others get 403. */
  readonly allowedPrincipalArns: readonly string[];
  /** @default 'us-west-2' */
  readonly region?: string;
  /** @default 'prod' */
  readonly stage?: string;
}

/** A running local API. */
export interface LocalRestApi {
  /** `http://127.0.0.1:<port>/<stage>`. */
  readonly baseUrl: string;
  close(): Promise<void>;
}

const SIGNATURE_MISMATCH = 'The request signature we calculated does not match the signature you provided.';

function forbidden(message: string): APIGatewayProxyResult {
  return { statusCode: 403, headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' }, body: JSON.stringify({ message }) };
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  return new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second));
}

/**
 * API Gateway's IAM authorization as seen from outside: recomputes the request's SigV4 signature
 * (service `execute-api`) with the secret of the access key it names, with the library the SDKs sign
 * with, then applies the resource policy's principal check.
 *
 * @returns the caller's credential, or the 403 API Gateway would answer
 */
async function authorize(request: IncomingMessage, path: string, query: URLSearchParams, body: Buffer, options: LocalRestApiOptions): Promise<LocalCredential | APIGatewayProxyResult> {
  const authorization = headerValue(request, 'authorization');
  const amzDate = headerValue(request, 'x-amz-date');
  if (authorization === undefined || amzDate === undefined) {
    return forbidden('Missing Authentication Token');
  }
  const match = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(authorization);
  const signingDate = parseAmzDate(amzDate);
  if (match === null || signingDate === undefined) {
    return forbidden('Authorization header is malformed');
  }
  const [, scope = '', signedHeaderList = '', signature = ''] = match;
  const [accessKeyId, , region, service] = scope.split('/');
  const credential = options.credentials.find((candidate) => candidate.accessKeyId === accessKeyId);
  if (credential === undefined) {
    return forbidden('The security token included in the request is invalid.');
  }
  if (region !== (options.region ?? 'us-west-2') || service !== 'execute-api') {
    return forbidden(`Credential should be scoped to a valid region and service execute-api, not ${region}/${service}`);
  }
  const signedHeaders = signedHeaderList.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = headerValue(request, name);
    if (value !== undefined) headers[name] = value;
  }
  const signer = new SignatureV4({ credentials: credential, region, service, sha256: Sha256, applyChecksum: false });
  const recomputed = await signer.sign(
    new HttpRequest({
      method: request.method ?? 'GET',
      protocol: 'http:',
      hostname: '127.0.0.1',
      path,
      query: Object.fromEntries([...new Set(query.keys())].map((name) => [name, query.getAll(name).length === 1 ? (query.get(name) ?? '') : query.getAll(name)])),
      headers,
      body,
    }),
    { signingDate, signableHeaders: new Set(signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]+)$/.exec(String(recomputed.headers['authorization'] ?? ''))?.[1] ?? '';
  if (expected.length !== signature.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    return forbidden(SIGNATURE_MISMATCH);
  }
  if (!options.allowedPrincipalArns.includes(credential.principalArn)) {
    return forbidden(`User: ${credential.principalArn} is not authorized to perform: execute-api:Invoke with an explicit deny`);
  }
  return credential;
}

/** The route and path parameters of `path` (below the stage), or undefined. */
function matchRoute(routes: readonly LocalRoute[], method: string, path: string): { route: LocalRoute; pathParameters: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const names: string[] = [];
    const pattern = new RegExp(`^${route.resource.replace(/\{(\w+)\}/g, (_all, name: string) => (names.push(name), '([^/]+)'))}$`);
    const match = pattern.exec(path);
    if (match !== null) {
      return { route, pathParameters: Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? '')])) };
    }
  }
  return undefined;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, result: APIGatewayProxyResult): void {
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]));
  response.writeHead(result.statusCode, headers);
  response.end(result.isBase64Encoded === true ? Buffer.from(result.body, 'base64') : result.body);
}

/**
 * A REST API stage on 127.0.0.1 in front of a Lambda proxy handler, for tests that call the
 * function the way the processor does on AWS: SigV4-signed HTTP requests, IAM authorization and a
 * resource policy checked before the handler runs, the proxy event built from the request, and
 * the handler's `{statusCode, headers, body}` written back.
 */
export async function startLocalRestApi(options: LocalRestApiOptions): Promise<LocalRestApi> {
  const stage = options.stage ?? 'prod';
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const body = await readBody(request);
      const caller = await authorize(request, url.pathname, url.searchParams, body, options);
      if (!('accessKeyId' in caller)) {
        send(response, caller);
        return;
      }
      const method = request.method ?? 'GET';
      const below = url.pathname.startsWith(`/${stage}/`) ? url.pathname.slice(stage.length + 1) : undefined;
      const matched = below === undefined ? undefined : matchRoute(options.routes, method, below);
      if (below === undefined || matched === undefined) {
        send(response, { statusCode: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Not Found' }) });
        return;
      }
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : value]));
      const event = {
        resource: matched.route.resource,
        path: below,
        httpMethod: method,
        headers,
        multiValueHeaders: {},
        queryStringParameters: url.searchParams.size === 0 ? null : Object.fromEntries(url.searchParams),
        multiValueQueryStringParameters: null,
        pathParameters: Object.keys(matched.pathParameters).length === 0 ? null : matched.pathParameters,
        stageVariables: null,
        body: body.length === 0 ? null : body.toString('utf8'),
        isBase64Encoded: false,
        requestContext: {
          stage,
          httpMethod: method,
          resourcePath: matched.route.resource,
          path: url.pathname,
          identity: { accessKey: caller.accessKeyId, userArn: caller.principalArn },
        },
      } as unknown as APIGatewayProxyEvent;
      try {
        send(response, await options.handler(event));
      } catch {
        // API Gateway's answer when a proxy integration's function fails.
        send(response, { statusCode: 502, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Internal server error' }) });
      }
    })().catch((error: unknown) => {
      response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/${stage}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error === undefined ? resolve() : reject(error)))),
  };
}
