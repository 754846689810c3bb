import { createHash, createHmac } from 'node:crypto';
import type { AwsCredentialIdentity } from '@smithy/types';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { HttpNetworkError, HttpStatusError, HttpTimeoutError } from './errors';
import { assertOk, createSignedFetch, type SignedFetchOptions } from './signed-fetch';

const BASE_URL = 'https://churn.example.test';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const API_KEY = 'api-key-value-123';
const credentials: AwsCredentialIdentity = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET };

/** A request as the server saw it. */
interface ReceivedRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

const server = setupServer();
let received: ReceivedRequest[] = [];

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  received = [];
  server.use(
    http.all(`${BASE_URL}/*`, async ({ request }) => {
      received.push({
        method: request.method,
        url: new URL(request.url),
        headers: Object.fromEntries(request.headers),
        body: new Uint8Array(await request.arrayBuffer()),
      });
      return HttpResponse.json({ churn: false });
    }),
  );
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function optionsFactory(overrides: Partial<SignedFetchOptions> = {}): SignedFetchOptions {
  return { service: 'execute-api', region: 'us-west-2', credentials: async () => credentials, timeoutMs: 1_000, ...overrides };
}

function onlyRequest(): ReceivedRequest {
  expect(received).toHaveLength(1);
  return received[0] as ReceivedRequest;
}

const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
const rfc3986 = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Recomputes the SigV4 signature of a received request by hand (AWS "Create a signed request"
 * steps, no SDK code), from the secret and the request's own bytes.
 */
function recomputeSignature(request: ReceivedRequest, secretAccessKey: string) {
  const authorization = request.headers['authorization'] ?? '';
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(authorization);
  if (match === null) {
    throw new Error(`unexpected Authorization header: ${authorization}`);
  }
  const [, accessKeyId, date = '', region = '', service = '', signedHeaderList = '', signature] = match;
  const signedHeaders = signedHeaderList.split(';');
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${(name === 'host' ? request.url.host : (request.headers[name] ?? '')).trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  // Non-S3 services encode each path segment twice: the URL holds it encoded once.
  const canonicalUri = request.url.pathname.split('/').map(rfc3986).join('/');
  const canonicalQuery = [...request.url.searchParams]
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalRequest = [request.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaderList, sha256Hex(request.body)].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', request.headers['x-amz-date'], scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  return { accessKeyId, region, service, signedHeaders, signature, expected: createHmac('sha256', signingKey).update(stringToSign).digest('hex') };
}

describe('createSignedFetch', () => {
  it('signs method, path, query, headers and body so that an independent SigV4 computation agrees', async () => {
    // Prepare
    const signedFetch = createSignedFetch(optionsFactory());

    // Act
    const response = await signedFetch(`${BASE_URL}/prod/assess%20churn?b=2&a=hello world&a=x&empty=`, {
      method: 'post',
      headers: { 'Content-Type': 'application/json', 'X-Trace': '  a   b ' },
      body: '{"companyID":"comp_4","note":"é ✓"}',
    });

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ churn: false });
    const request = onlyRequest();
    const check = recomputeSignature(request, SECRET);
    expect(check.signature).toBe(check.expected);
    expect(check).toMatchObject({ accessKeyId: 'AKIDEXAMPLE', region: 'us-west-2', service: 'execute-api' });
    expect(check.signedHeaders).toEqual(expect.arrayContaining(['host', 'content-type', 'x-trace', 'x-amz-date', 'x-amz-content-sha256']));
    expect(request.headers['x-amz-content-sha256']).toBe(sha256Hex('{"companyID":"comp_4","note":"é ✓"}'));
  });

  it('signs a binary body byte for byte, so any tampering breaks the signature', async () => {
    // Prepare
    const signedFetch = createSignedFetch(optionsFactory({ service: 'sagemaker' }));
    const body = Uint8Array.of(0, 1, 2, 0xff, 0xfe, 0x80, 10, 13);

    // Act
    await signedFetch(`${BASE_URL}/endpoints/churn/invocations`, { method: 'POST', body });

    // Assess
    const request = onlyRequest();
    expect(request.body).toEqual(body);
    const genuine = recomputeSignature(request, SECRET);
    expect(genuine.signature).toBe(genuine.expected);
    const tamperedBody = Uint8Array.from(body, (byte, index) => (index === 3 ? byte ^ 1 : byte));
    const tampered = recomputeSignature({ ...request, body: tamperedBody }, SECRET);
    expect(tampered.signature).not.toBe(tampered.expected);
    expect(recomputeSignature(request, `${SECRET}x`).expected).not.toBe(genuine.signature);
  });

  it('sends and signs the session token of temporary credentials', async () => {
    // Prepare
    const signedFetch = createSignedFetch(optionsFactory({ credentials: async () => ({ ...credentials, sessionToken: 'session-token-1' }) }));

    // Act
    await signedFetch(`${BASE_URL}/x`);

    // Assess
    const request = onlyRequest();
    expect(request.headers['x-amz-security-token']).toBe('session-token-1');
    expect(recomputeSignature(request, SECRET).signedHeaders).toContain('x-amz-security-token');
  });

  it('asks the credential provider on every request, so rotated credentials take effect', async () => {
    // Prepare
    const provider = jest
      .fn<Promise<AwsCredentialIdentity>, []>()
      .mockResolvedValueOnce({ accessKeyId: 'AKID1', secretAccessKey: 'secret-1' })
      .mockResolvedValueOnce({ accessKeyId: 'AKID2', secretAccessKey: 'secret-2' });
    const signedFetch = createSignedFetch(optionsFactory({ credentials: provider }));

    // Act
    await signedFetch(`${BASE_URL}/one`);
    await signedFetch(`${BASE_URL}/two`);

    // Assess
    expect(provider).toHaveBeenCalledTimes(2);
    const [first, second] = received.map((request, index) => recomputeSignature(request, `secret-${index + 1}`));
    expect(first).toMatchObject({ accessKeyId: 'AKID1' });
    expect(second).toMatchObject({ accessKeyId: 'AKID2' });
    expect(first?.signature).toBe(first?.expected);
    expect(second?.signature).toBe(second?.expected);
  });

  it('uses the default provider chain when no credentials are given', async () => {
    // Prepare
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDFROMENV', AWS_SECRET_ACCESS_KEY: 'env-secret' });
    delete process.env['AWS_SESSION_TOKEN'];
    delete process.env['AWS_PROFILE'];

    try {
      // Act
      await createSignedFetch({ service: 'execute-api', region: 'eu-west-1', timeoutMs: 1_000 })(`${BASE_URL}/x`);
    } finally {
      process.env = saved;
    }

    // Assess
    const check = recomputeSignature(onlyRequest(), 'env-secret');
    expect(check).toMatchObject({ accessKeyId: 'AKIDFROMENV', region: 'eu-west-1' });
    expect(check.signature).toBe(check.expected);
  });

  it('adds x-api-key only when one is configured', async () => {
    // Act
    await createSignedFetch(optionsFactory())(`${BASE_URL}/without`);
    await createSignedFetch(optionsFactory({ apiKey: API_KEY }))(`${BASE_URL}/with`, { headers: { 'x-api-key': 'caller-value' } });

    // Assess
    const [without, withKey] = received;
    expect(without?.headers).not.toHaveProperty('x-api-key');
    expect(withKey?.headers['x-api-key']).toBe(API_KEY);
  });

  it('sends a plain request with the api key when signing is off', async () => {
    // Prepare
    const provider = jest.fn(async () => credentials);

    // Act
    await createSignedFetch(optionsFactory({ sign: false, apiKey: API_KEY, credentials: provider }))(`${BASE_URL}/plain`, { method: 'POST', body: 'x' });

    // Assess
    const request = onlyRequest();
    expect(request.headers).not.toHaveProperty('authorization');
    expect(request.headers).not.toHaveProperty('x-amz-date');
    expect(request.headers['x-api-key']).toBe(API_KEY);
    expect(provider).not.toHaveBeenCalled();
  });

  it('ignores caller headers that would bypass the body signature', async () => {
    // Act
    await createSignedFetch(optionsFactory())(`${BASE_URL}/x`, { method: 'PUT', headers: { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD', Authorization: 'Bearer x' }, body: 'payload' });

    // Assess
    const request = onlyRequest();
    expect(request.headers['x-amz-content-sha256']).toBe(sha256Hex('payload'));
    const check = recomputeSignature(request, SECRET);
    expect(check.signature).toBe(check.expected);
  });

  it('fails with a retriable HttpTimeoutError when the attempt outlasts timeoutMs', async () => {
    // Prepare
    server.use(http.post(`${BASE_URL}/slow`, async () => {
      await delay(600);
      return HttpResponse.json({});
    }));
    const signedFetch = createSignedFetch(optionsFactory({ timeoutMs: 50, apiKey: API_KEY }));
    const started = performance.now();

    // Act
    const failure = await signedFetch(`${BASE_URL}/slow?token=t0p`, { method: 'POST', body: '{}' }).catch((err: unknown) => err);

    // Assess
    const elapsedMs = performance.now() - started;
    expect(failure).toBeInstanceOf(HttpTimeoutError);
    expect(failure).toMatchObject({ retriable: true, timeoutMs: 50, message: `POST ${BASE_URL}/slow?token=*** timed out after 50 ms` });
    expect(elapsedMs).toBeGreaterThanOrEqual(45);
    expect(elapsedMs).toBeLessThan(500);
    expect(JSON.stringify({ ...(failure as HttpTimeoutError), message: (failure as Error).message })).not.toMatch(/api-key-value|t0p|wJalr/);
  });

  it('fails with the caller\'s abort reason, not a timeout, when the caller cancels', async () => {
    // Prepare
    server.use(http.get(`${BASE_URL}/slow`, async () => {
      await delay(600);
      return HttpResponse.json({});
    }));
    const controller = new AbortController();
    const pending = createSignedFetch(optionsFactory({ timeoutMs: 1_000 }))(`${BASE_URL}/slow`, { signal: controller.signal });

    // Act
    controller.abort(new Error('shutting down'));

    // Assess
    await expect(pending).rejects.toThrow('shutting down');
  });

  it('fails with a retriable HttpNetworkError when the connection fails', async () => {
    // Prepare
    server.use(http.get(`${BASE_URL}/down`, () => HttpResponse.error()));

    // Act
    const failure = await createSignedFetch(optionsFactory())(`${BASE_URL}/down`).catch((err: unknown) => err);

    // Assess
    expect(failure).toBeInstanceOf(HttpNetworkError);
    expect(failure).toMatchObject({ retriable: true });
  });

  it.each([
    ['a refused connection', new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) }), 'ECONNREFUSED'],
    ['a reset connection behind an AggregateError', new TypeError('fetch failed', { cause: new AggregateError([Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })]) }), 'ECONNRESET'],
  ])('reports the system error code of %s', async (_label, failure, code) => {
    // Prepare
    jest.spyOn(globalThis, 'fetch').mockRejectedValue(failure);

    // Act
    const err = await createSignedFetch(optionsFactory())(`${BASE_URL}/x`).catch((caught: unknown) => caught);

    // Assess
    expect(err).toBeInstanceOf(HttpNetworkError);
    expect(err).toMatchObject({ code, retriable: true, cause: failure, message: `GET ${BASE_URL}/x failed: ${code}` });
  });

  it('rethrows a programmer error untranslated', async () => {
    // Prepare
    const failure = new TypeError('Headers.append: "a\nb" is an invalid header value.');
    jest.spyOn(globalThis, 'fetch').mockRejectedValue(failure);

    // Act
    const err = await createSignedFetch(optionsFactory())(`${BASE_URL}/x`).catch((caught: unknown) => caught);

    // Assess
    expect(err).toBe(failure);
  });

  it('resolves with error statuses and bodiless responses instead of throwing', async () => {
    // Prepare
    server.use(
      http.get(`${BASE_URL}/busy`, () => HttpResponse.json({ message: 'slow down' }, { status: 429 })),
      http.delete(`${BASE_URL}/gone`, () => new HttpResponse(null, { status: 204 })),
    );
    const signedFetch = createSignedFetch(optionsFactory());

    // Act
    const busy = await signedFetch(`${BASE_URL}/busy`);
    const gone = await signedFetch(`${BASE_URL}/gone`, { method: 'DELETE' });

    // Assess
    expect(busy.status).toBe(429);
    expect(busy.url).toBe(`${BASE_URL}/busy`);
    expect(await busy.json()).toEqual({ message: 'slow down' });
    expect(gone.status).toBe(204);
  });
});

describe('assertOk', () => {
  it('passes a 2xx response through', async () => {
    const response = new Response('{}', { status: 201 });
    await expect(assertOk(response)).resolves.toBe(response);
  });

  it('rejects a non-2xx with an HttpStatusError carrying a bounded body excerpt', async () => {
    // Prepare
    server.use(http.post(`${BASE_URL}/fail`, () => HttpResponse.text(`upstream exploded ${'!'.repeat(1_000)}`, { status: 502 })));
    const response = await createSignedFetch(optionsFactory({ apiKey: API_KEY }))(`${BASE_URL}/fail?X-Amz-Signature=abc`, { method: 'POST' });

    // Act
    const failure = await assertOk(response, 'POST').catch((err: unknown) => err);

    // Assess
    expect(failure).toBeInstanceOf(HttpStatusError);
    expect(failure).toMatchObject({ status: 502, retriable: true, context: { url: `${BASE_URL}/fail?X-Amz-Signature=***`, method: 'POST', status: 502 } });
    expect((failure as HttpStatusError).bodyExcerpt).toHaveLength(500);
    expect((failure as HttpStatusError).message).toMatch(/^POST https:\/\/churn\.example\.test\/fail\?X-Amz-Signature=\*\*\* returned HTTP 502: upstream exploded/);
    expect((failure as HttpStatusError).message).not.toContain(API_KEY);
  });

  it('rejects a 4xx as not retriable', async () => {
    const failure = await assertOk(new Response('no', { status: 403 })).catch((err: unknown) => err);
    expect(failure).toMatchObject({ status: 403, retriable: false });
  });
});
