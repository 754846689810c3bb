import { AwsStyleError } from '@tenant-analytics/service-kit';
import { CredentialStore, LOCAL_TEST_CREDENTIALS } from './credential-store';
import { MAX_CLOCK_SKEW_MS, verifySigV4, type SignedRequestFacts } from './sigv4-verifier';
import { signRequest, type RequestToSign } from './testing/sign-request';

const URL_SAGEMAKER = 'http://127.0.0.1:8090/endpoints/churn-endpoint/invocations';
const NOW = new Date('2026-11-25T10:00:00Z');
const expectation = { credentials: new CredentialStore(LOCAL_TEST_CREDENTIALS), region: 'us-west-2', service: 'sagemaker', now: NOW };

/** A signed request as the server receives it: lower-case headers plus Host. */
async function signedFacts(overrides: Partial<RequestToSign> = {}): Promise<SignedRequestFacts> {
  const request: RequestToSign = { url: URL_SAGEMAKER, body: '1,2,3', headers: { 'content-type': 'text/csv' }, service: 'sagemaker', signingDate: NOW, ...overrides };
  const headers = await signRequest(request);
  const url = new URL(request.url);
  return {
    method: request.method ?? 'POST',
    rawPath: url.pathname,
    rawQuery: url.search.slice(1),
    headers: { ...Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])), host: url.host },
    body: Buffer.from(request.body ?? ''),
  };
}

async function rejection(facts: SignedRequestFacts, overrides: Partial<typeof expectation> = {}): Promise<AwsStyleError> {
  try {
    await verifySigV4(facts, { ...expectation, ...overrides });
  } catch (error) {
    if (error instanceof AwsStyleError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the signature to be rejected');
}

describe('verifySigV4', () => {
  it('accepts a request signed with an accepted key and names the key', async () => {
    // act
    const verified = await verifySigV4(await signedFacts(), expectation);

    // assess
    expect(verified).toEqual({ accessKeyId: 'S3RVER' });
  });

  it('accepts a signed query string and an empty body', async () => {
    // act
    const verified = await verifySigV4(await signedFacts({ url: `${URL_SAGEMAKER}?a=1&b=x%20y&a=2`, body: '' }), expectation);

    // assess
    expect(verified.accessKeyId).toBe('S3RVER');
  });

  it('rejects a request without Authorization as a missing token', async () => {
    // prepare
    const { authorization: _dropped, ...headers } = (await signedFacts()).headers;

    // act
    const error = await rejection({ ...(await signedFacts()), headers });

    // assess
    expect(error.status).toBe(403);
    expect(error.code).toBe('MissingAuthenticationTokenException');
    expect(error.toBody()).toEqual({ message: 'Missing Authentication Token' });
  });

  it('rejects a request without X-Amz-Date', async () => {
    // prepare
    const facts = await signedFacts();
    const { 'x-amz-date': _dropped, ...headers } = facts.headers;

    // act
    const error = await rejection({ ...facts, headers });

    // assess
    expect(error.code).toBe('IncompleteSignatureException');
    expect(error.message).toContain("'X-Amz-Date'");
  });

  it.each([
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['no signature', 'AWS4-HMAC-SHA256 Credential=S3RVER/20261125/us-west-2/sagemaker/aws4_request, SignedHeaders=host;x-amz-date'],
    ['a short scope', 'AWS4-HMAC-SHA256 Credential=S3RVER/20261125/us-west-2, SignedHeaders=host;x-amz-date, Signature=00'],
  ])('rejects an Authorization header with %s as incomplete', async (_case, authorization) => {
    // prepare
    const facts = await signedFacts();

    // act
    const error = await rejection({ ...facts, headers: { ...facts.headers, authorization } });

    // assess
    expect(error.code).toBe('IncompleteSignatureException');
  });

  it('rejects an unknown access key', async () => {
    // act
    const error = await rejection(await signedFacts({ credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'S3RVER' } }));

    // assess
    expect(error.code).toBe('UnrecognizedClientException');
    expect(error.message).toBe('The security token included in the request is invalid.');
  });

  it('rejects a signature made with the wrong secret', async () => {
    // act
    const error = await rejection(await signedFacts({ credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'wrong' } }));

    // assess
    expect(error.code).toBe('InvalidSignatureException');
    expect(error.message).toMatch(/^The request signature we calculated does not match the signature you provided/);
    expect(error.headers).toEqual({ 'x-amzn-ErrorType': 'InvalidSignatureException' });
  });

  it('rejects a body changed after signing (the payload hash no longer matches)', async () => {
    // prepare
    const facts = await signedFacts();

    // act
    const error = await rejection({ ...facts, body: Buffer.from('9,9,9') });

    // assess
    expect(error.code).toBe('InvalidSignatureException');
  });

  it('rejects a body and payload hash both changed after signing', async () => {
    // prepare
    const facts = await signedFacts();
    const forged = await signedFacts({ body: '9,9,9' });

    // act
    const error = await rejection({ ...facts, body: forged.body, headers: { ...facts.headers, 'x-amz-content-sha256': String(forged.headers['x-amz-content-sha256']) } });

    // assess
    expect(error.code).toBe('InvalidSignatureException');
    expect(error.message).toMatch(/^The request signature we calculated does not match/);
  });

  it.each([
    ['path', { rawPath: '/endpoints/other-endpoint/invocations' }],
    ['query', { rawQuery: 'injected=1' }],
    ['method', { method: 'PUT' }],
  ])('rejects a request whose %s changed after signing', async (_part, change) => {
    // act
    const error = await rejection({ ...(await signedFacts()), ...change });

    // assess
    expect(error.code).toBe('InvalidSignatureException');
  });

  it('rejects a signed header changed after signing', async () => {
    // prepare
    const facts = await signedFacts();

    // act
    const error = await rejection({ ...facts, headers: { ...facts.headers, 'content-type': 'application/json' } });

    // assess
    expect(error.code).toBe('InvalidSignatureException');
  });

  it('rejects a date more than 5 minutes old as expired', async () => {
    // act
    const error = await rejection(await signedFacts({ signingDate: new Date(NOW.getTime() - MAX_CLOCK_SKEW_MS - 1_000) }));

    // assess
    expect(error.code).toBe('InvalidSignatureException');
    expect(error.message).toBe('Signature expired: 20261125T095459Z is now earlier than 20261125T095500Z (20261125T100000Z - 5 min.)');
  });

  it('rejects a date more than 5 minutes ahead as not yet current', async () => {
    // act
    const error = await rejection(await signedFacts({ signingDate: new Date(NOW.getTime() + MAX_CLOCK_SKEW_MS + 1_000) }));

    // assess
    expect(error.message).toMatch(/^Signature not yet current: 20261125T100501Z is still later than/);
  });

  it('accepts a date 4 minutes off', async () => {
    // act
    const verified = await verifySigV4(await signedFacts({ signingDate: new Date(NOW.getTime() - 4 * 60 * 1000) }), expectation);

    // assess
    expect(verified.accessKeyId).toBe('S3RVER');
  });

  it('rejects a signature for another service', async () => {
    // act
    const error = await rejection(await signedFacts({ service: 'execute-api' }));

    // assess
    expect(error.code).toBe('InvalidSignatureException');
    expect(error.message).toBe("Credential should be scoped to correct service: 'sagemaker'.");
  });

  it('rejects a signature for another region', async () => {
    // act
    const error = await rejection(await signedFacts({ region: 'eu-west-1' }));

    // assess
    expect(error.message).toBe("Credential should be scoped to a valid region, not 'eu-west-1'.");
  });

  it('rejects an X-Amz-Date that differs from the scope date', async () => {
    // prepare
    const facts = await signedFacts();

    // act
    const error = await rejection({ ...facts, headers: { ...facts.headers, 'x-amz-date': '20261124T235959Z' } }, { now: new Date('2026-11-25T00:00:00Z') });

    // assess
    expect(error.message).toMatch(/^Date in Credential scope does not match/);
  });

  it('rejects a signature that leaves Host unsigned', async () => {
    // prepare
    const facts = await signedFacts();
    const authorization = String(facts.headers['authorization']).replace(/SignedHeaders=[^,]+/, 'SignedHeaders=x-amz-date');

    // act
    const error = await rejection({ ...facts, headers: { ...facts.headers, authorization } });

    // assess
    expect(error.message).toContain("'Host' and 'X-Amz-Date' must be SignedHeaders");
  });
});
