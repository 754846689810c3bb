import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { loadChurnModel, scoreCompany } from '@tenant-analytics/churn-model';
import { CHURN_THRESHOLD, createSignedFetch, generateCompanies, toCsvRow, toFeatureVector, type Company, type SignedFetch } from '@tenant-analytics/domain';
import { FaultInjector, startServer, type ServerHandle } from '@tenant-analytics/service-kit';
import { pino } from 'pino';
import { createApp, type ChurnMockAppOptions } from './create-app';
import { CredentialStore, LOCAL_TEST_CREDENTIALS, type CredentialPair } from './credential-store';
import { signRequest } from './testing/sign-request';

const logger = pino({ level: 'silent' });
const model = loadChurnModel();
const REGION = 'us-west-2';
const LOCAL = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const companies: Company[] = generateCompanies(2026, 200);

describe('churn mock app', () => {
  const handles: ServerHandle[] = [];

  async function startChurnMock(overrides: Partial<ChurnMockAppOptions> = {}): Promise<ServerHandle> {
    const faults = overrides.faults ?? new FaultInjector();
    const app = createApp({
      logger,
      model,
      credentials: new CredentialStore(LOCAL_TEST_CREDENTIALS),
      region: REGION,
      endpointName: 'churn-endpoint',
      faults,
      ...overrides,
    });
    const handle = await startServer(app, { port: 0, logger, closeables: [faults] });
    handles.push(handle);
    return handle;
  }

  function apiGatewayFetch(options: { apiKey?: string; credentials?: CredentialPair } = {}): SignedFetch {
    return createSignedFetch({ service: 'execute-api', region: REGION, credentials: async () => options.credentials ?? LOCAL, apiKey: options.apiKey, timeoutMs: 10_000 });
  }

  function sageMakerClient(url: string, credentials: CredentialPair = LOCAL): SageMakerRuntimeClient {
    return new SageMakerRuntimeClient({ endpoint: url, region: REGION, credentials, maxAttempts: 1 });
  }

  function post(url: string, body: string, headers: Record<string, string>): Promise<Response> {
    return fetch(url, { method: 'POST', headers, body });
  }

  afterEach(async () => {
    await Promise.all(handles.splice(0).map((handle) => handle.close()));
  });

  it('answers GET /ping with 200 and the model kind', async () => {
    // prepare
    const { url } = await startChurnMock();

    // act
    const response = await fetch(`${url}/ping`);

    // assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', model: model.kind });
  });

  describe('POST /prod/assessChurn (API Gateway, SigV4 execute-api)', () => {
    it('scores one company like the offline model', async () => {
      // prepare
      const { url } = await startChurnMock();
      const company = companies[0] as Company;

      // act
      const response = await apiGatewayFetch()(`${url}/prod/assessChurn`, { method: 'POST', body: JSON.stringify(company), headers: { 'content-type': 'application/json' } });

      // assess
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(scoreCompany(model, company));
    });

    it('scores a batch in order, each score equal to the offline scoring', async () => {
      // prepare
      const { url } = await startChurnMock();

      // act
      const response = await apiGatewayFetch()(`${url}/prod/assessChurn`, { method: 'POST', body: JSON.stringify({ instances: companies }) });

      // assess
      expect(response.status).toBe(200);
      const expected = companies.map((company) => scoreCompany(model, company));
      expect(await response.json()).toEqual({ predictions: expected });
      expect(new Set(expected.map((score) => score.churn))).toEqual(new Set([true, false]));
    });

    it('accepts the seed alias employee', async () => {
      // prepare
      const { url } = await startChurnMock();
      const { employees, ...rest } = companies[1] as Company;

      // act
      const response = await apiGatewayFetch()(`${url}/prod/assessChurn`, { method: 'POST', body: JSON.stringify({ ...rest, employee: employees }) });

      // assess
      expect(await response.json()).toEqual(scoreCompany(model, companies[1] as Company));
    });

    it('rejects an invalid company with 400 naming the field', async () => {
      // prepare
      const { url } = await startChurnMock();

      // act
      const single = await apiGatewayFetch()(`${url}/prod/assessChurn`, { method: 'POST', body: JSON.stringify({ ...companies[0], job30: 'many' }) });
      const batch = await apiGatewayFetch()(`${url}/prod/assessChurn`, { method: 'POST', body: JSON.stringify({ instances: [companies[0], { ...companies[1], revenu: -1 }] }) });

      // assess
      expect(single.status).toBe(400);
      expect(await single.json()).toMatchObject({ error: { code: 'validation-failed', details: [{ field: 'job30' }] } });
      expect(batch.status).toBe(400);
      expect(await batch.json()).toMatchObject({ error: { details: [{ field: 'instances.1.revenu' }] } });
    });

    it('rejects an unsigned, curl-style request with 403 Missing Authentication Token', async () => {
      // prepare
      const { url } = await startChurnMock();

      // act
      const response = await post(`${url}/prod/assessChurn`, JSON.stringify(companies[0]), { 'content-type': 'application/json' });

      // assess
      expect(response.status).toBe(403);
      expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
      expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
    });

    it('rejects a signature made with the wrong secret', async () => {
      // prepare
      const { url } = await startChurnMock();

      // act
      const response = await apiGatewayFetch({ credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'not-it' } })(`${url}/prod/assessChurn`, {
        method: 'POST',
        body: JSON.stringify(companies[0]),
      });

      // assess
      expect(response.status).toBe(403);
      expect(response.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
      expect(await response.json()).toEqual({ message: expect.stringMatching(/^The request signature we calculated does not match/) });
    });

    it('rejects an unknown access key', async () => {
      // prepare
      const { url } = await startChurnMock();

      // act
      const response = await apiGatewayFetch({ credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'S3RVER' } })(`${url}/prod/assessChurn`, {
        method: 'POST',
        body: JSON.stringify(companies[0]),
      });

      // assess
      expect(response.status).toBe(403);
      expect(response.headers.get('x-amzn-errortype')).toBe('UnrecognizedClientException');
    });

    it('rejects a body tampered with after signing', async () => {
      // prepare
      const { url } = await startChurnMock();
      const body = JSON.stringify(companies[0]);
      const headers = await signRequest({ url: `${url}/prod/assessChurn`, body, service: 'execute-api' });

      // act
      const response = await post(`${url}/prod/assessChurn`, body.replace('"job30":', '"job30":1'), headers);

      // assess
      expect(response.status).toBe(403);
      expect(response.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    });

    it('rejects a request missing X-Amz-Date', async () => {
      // prepare
      const { url } = await startChurnMock();
      const body = JSON.stringify(companies[0]);
      const { 'x-amz-date': _dropped, ...headers } = await signRequest({ url: `${url}/prod/assessChurn`, body, service: 'execute-api' });

      // act
      const response = await post(`${url}/prod/assessChurn`, body, headers);

      // assess
      expect(response.status).toBe(403);
      expect(response.headers.get('x-amzn-errortype')).toBe('IncompleteSignatureException');
    });

    it('rejects a signature older than 5 minutes', async () => {
      // prepare
      const { url } = await startChurnMock();
      const body = JSON.stringify(companies[0]);
      const headers = await signRequest({ url: `${url}/prod/assessChurn`, body, service: 'execute-api', signingDate: new Date(Date.now() - 6 * 60 * 1000) });

      // act
      const response = await post(`${url}/prod/assessChurn`, body, headers);

      // assess
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: expect.stringMatching(/^Signature expired: /) });
    });

    it('rejects a signature for the sagemaker service', async () => {
      // prepare
      const { url } = await startChurnMock();
      const body = JSON.stringify(companies[0]);
      const headers = await signRequest({ url: `${url}/prod/assessChurn`, body, service: 'sagemaker' });

      // act
      const response = await post(`${url}/prod/assessChurn`, body, headers);

      // assess
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: "Credential should be scoped to correct service: 'execute-api'." });
    });

    it('requires the x-api-key when configured: missing or wrong → 403 Forbidden, right → 200', async () => {
      // prepare
      const { url } = await startChurnMock({ apiKey: 'local-api-key' });
      const call = (signedFetch: SignedFetch): Promise<Response> => signedFetch(`${url}/prod/assessChurn`, { method: 'POST', body: JSON.stringify(companies[0]) });

      // act
      const missing = await call(apiGatewayFetch());
      const wrong = await call(apiGatewayFetch({ apiKey: 'local-api-kez' }));
      const right = await call(apiGatewayFetch({ apiKey: 'local-api-key' }));

      // assess
      expect(missing.status).toBe(403);
      expect(await missing.json()).toEqual({ message: 'Forbidden' });
      expect(wrong.status).toBe(403);
      expect(right.status).toBe(200);
    });
  });

  describe('POST /endpoints/{name}/invocations (SageMaker runtime, SigV4 sagemaker)', () => {
    it('is accepted from the official SageMaker runtime client: CSV rows → the offline probabilities', async () => {
      // prepare
      const { url } = await startChurnMock();
      const client = sageMakerClient(url);

      // act
      const output = await client.send(
        new InvokeEndpointCommand({ EndpointName: 'churn-endpoint', ContentType: 'text/csv', Accept: 'text/csv', Body: companies.map(toCsvRow).join('\n') }),
      );

      // assess
      expect(output.ContentType).toMatch(/^text\/csv/);
      const served = new TextDecoder().decode(output.Body).split('\n').map(Number);
      expect(served).toEqual(companies.map((company) => scoreCompany(model, company).probability));
      expect(output.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
      client.destroy();
    });

    it('answers JSON instances in the Linear Learner shape', async () => {
      // prepare
      const { url } = await startChurnMock();
      const client = sageMakerClient(url);
      const sample = companies.slice(0, 20);

      // act
      const output = await client.send(
        new InvokeEndpointCommand({ EndpointName: 'churn-endpoint', ContentType: 'application/json', Body: JSON.stringify({ instances: sample.map((company) => ({ features: toFeatureVector(company) })) }) }),
      );

      // assess
      expect(JSON.parse(new TextDecoder().decode(output.Body))).toEqual({
        predictions: sample.map((company) => {
          const { probability } = scoreCompany(model, company);
          return { score: probability, predicted_label: probability >= CHURN_THRESHOLD ? 1 : 0 };
        }),
      });
      client.destroy();
    });

    it('makes the client raise ValidationError for an unknown endpoint (404)', async () => {
      // prepare
      const { url } = await startChurnMock();
      const client = sageMakerClient(url);

      // act
      const attempt = client.send(new InvokeEndpointCommand({ EndpointName: 'other-endpoint', ContentType: 'text/csv', Body: toCsvRow(companies[0] as Company) }));

      // assess
      await expect(attempt).rejects.toMatchObject({ name: 'ValidationError', message: 'Endpoint other-endpoint not found.', $metadata: { httpStatusCode: 404 } });
      client.destroy();
    });

    it('makes the client raise InvalidSignatureException for a wrong secret', async () => {
      // prepare
      const { url } = await startChurnMock();
      const client = sageMakerClient(url, { accessKeyId: 'S3RVER', secretAccessKey: 'wrong' });

      // act
      const attempt = client.send(new InvokeEndpointCommand({ EndpointName: 'churn-endpoint', ContentType: 'text/csv', Body: toCsvRow(companies[0] as Company) }));

      // assess
      await expect(attempt).rejects.toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 403 } });
      client.destroy();
    });

    it('rejects an unsigned request', async () => {
      // prepare
      const { url } = await startChurnMock();

      // act
      const response = await post(`${url}/endpoints/churn-endpoint/invocations`, toCsvRow(companies[0] as Company), { 'content-type': 'text/csv' });

      // assess
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
    });

    it('rejects a signature for the execute-api service', async () => {
      // prepare
      const { url } = await startChurnMock();
      const target = `${url}/endpoints/churn-endpoint/invocations`;
      const body = toCsvRow(companies[0] as Company);

      // act
      const response = await post(target, body, await signRequest({ url: target, body, service: 'execute-api', headers: { 'content-type': 'text/csv' } }));

      // assess
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: "Credential should be scoped to correct service: 'sagemaker'." });
    });

    it('rejects an unsupported content type with 415', async () => {
      // prepare
      const { url } = await startChurnMock();
      const target = `${url}/endpoints/churn-endpoint/invocations`;
      const body = toCsvRow(companies[0] as Company);

      // act
      const response = await post(target, body, await signRequest({ url: target, body, service: 'sagemaker', headers: { 'content-type': 'text/plain' } }));

      // assess
      expect(response.status).toBe(415);
      expect(await response.json()).toMatchObject({ error: { code: 'unsupported-media-type' } });
    });

    it('rejects a bad CSV row with 400 naming the row', async () => {
      // prepare
      const { url } = await startChurnMock();
      const target = `${url}/endpoints/churn-endpoint/invocations`;
      const body = [toCsvRow(companies[0] as Company), '1,2,3', toCsvRow(companies[1] as Company)].join('\n');

      // act
      const response = await post(target, body, await signRequest({ url: target, body, service: 'sagemaker', headers: { 'content-type': 'text/csv' } }));

      // assess
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: { code: 'invalid-row', message: 'row 2: expected 15 features, got 3', details: { row: 2 } } });
    });
  });

  describe('limits and errors', () => {
    it('rejects a 10 MB body with 413 before authentication', async () => {
      // prepare
      const { url } = await startChurnMock();

      // act
      const response = await post(`${url}/endpoints/churn-endpoint/invocations`, 'x'.repeat(10 * 1024 * 1024), { 'content-type': 'text/csv' });

      // assess
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ error: { code: 'payload-too-large' } });
    });

    it('answers an unknown route with a JSON 404', async () => {
      // prepare
      const { url } = await startChurnMock();

      // act
      const response = await fetch(`${url}/prod/other`);

      // assess
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: { code: 'not-found', message: 'no route for GET /prod/other' } });
    });
  });

  describe('credential rotation through /admin/credentials', () => {
    it('accepts the new key and refuses the old one after a replace', async () => {
      // prepare
      const { url } = await startChurnMock();
      const rotated = { accessKeyId: 'AKIDROTATED', secretAccessKey: 'rotated-secret' };
      const call = (credentials: CredentialPair): Promise<Response> =>
        apiGatewayFetch({ credentials })(`${url}/prod/assessChurn`, { method: 'POST', body: JSON.stringify(companies[0]) });

      // act
      const both = await fetch(`${url}/admin/credentials`, { method: 'PUT', body: JSON.stringify({ credentials: [LOCAL, rotated] }) });
      const duringRotation = [await call(LOCAL), await call(rotated)];
      await fetch(`${url}/admin/credentials`, { method: 'PUT', body: JSON.stringify({ credentials: [rotated] }) });
      const afterRotation = [await call(LOCAL), await call(rotated)];
      const listed = await fetch(`${url}/admin/credentials`);

      // assess
      expect(await both.json()).toEqual({ accessKeyIds: ['S3RVER', 'AKIDROTATED'] });
      expect(duringRotation.map((response) => response.status)).toEqual([200, 200]);
      expect(afterRotation.map((response) => response.status)).toEqual([403, 200]);
      expect(await listed.json()).toEqual({ accessKeyIds: ['AKIDROTATED'] });
    });

    it('rejects a bad credential list with 400 and keeps the old one', async () => {
      // prepare
      const { url } = await startChurnMock();

      // act
      const response = await fetch(`${url}/admin/credentials`, { method: 'PUT', body: JSON.stringify({ credentials: [] }) });
      const listed = await fetch(`${url}/admin/credentials`);

      // assess
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'validation-failed', details: [{ field: 'credentials' }] } });
      expect(await listed.json()).toEqual({ accessKeyIds: ['S3RVER'] });
    });
  });

  describe('faults', () => {
    it('apply after authentication: an unsigned request is still 403, a signed one gets the fault', async () => {
      // prepare
      const { url } = await startChurnMock({ faults: new FaultInjector({ errorRate: 1, errorStatus: 503 }) });

      // act
      const unsigned = await post(`${url}/prod/assessChurn`, JSON.stringify(companies[0]), {});
      const signed = await apiGatewayFetch()(`${url}/prod/assessChurn`, { method: 'POST', body: JSON.stringify(companies[0]) });
      const ping = await fetch(`${url}/ping`);

      // assess
      expect(unsigned.status).toBe(403);
      expect(signed.status).toBe(503);
      expect(signed.headers.get('x-fault-injected')).toBe('error');
      expect(ping.status).toBe(200);
    });

    it('gives about 20% errors over 1,000 signed calls at a 20% error rate', async () => {
      // prepare
      const { url } = await startChurnMock({ faults: new FaultInjector({ errorRate: 0.2, errorStatus: 500, seed: 11 }) });
      const signedFetch = apiGatewayFetch();
      const body = JSON.stringify(companies[0]);
      let errors = 0;

      // act
      for (let call = 0; call < 1_000; call += 1) {
        const response = await signedFetch(`${url}/prod/assessChurn`, { method: 'POST', body });
        errors += response.status === 500 ? 1 : 0;
      }

      // assess: binomial(1000, 0.2) has a standard deviation of 12.6; ±4 of them
      expect(errors).toBeGreaterThanOrEqual(150);
      expect(errors).toBeLessThanOrEqual(250);
    }, 60_000); // 1,000 HTTP calls: generous when the machine is busy

    it('finish an in-flight (delayed) request when the server shuts down', async () => {
      // prepare
      const handle = await startChurnMock({ faults: new FaultInjector({ latencyMs: 300 }) });
      const inFlight = apiGatewayFetch()(`${handle.url}/prod/assessChurn`, { method: 'POST', body: JSON.stringify(companies[0]) });
      await new Promise((resolve) => setTimeout(resolve, 100));

      // act
      await handle.close();

      // assess
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(scoreCompany(model, companies[0] as Company));
    });
  });
});
