import { apiGatewayBatchRequestSchema, HttpNetworkError, HttpStatusError, HttpTimeoutError, toCsvRow, toFeatureVector } from '@tenant-analytics/domain';
import { ChurnContractError } from '../core/errors';
import { delay, http, HttpResponse } from 'msw';
import type { ChurnFeaturesWithId } from '../core/ports';
import { credentialScopePattern, testSignedFetch, useMockHttpServer } from '../testing/http-fixtures';
import { churnFeaturesFactory } from '../testing/record-fixtures';
import { ChurnApiScorer, type ChurnApiTarget } from './churn-api-scorer';

const API_GATEWAY_URL = 'https://abc123.execute-api.us-west-2.amazonaws.com/prod/assessChurn';
const SAGEMAKER_URL = 'https://runtime.sagemaker.us-west-2.amazonaws.com';
const INVOCATIONS_URL = `${SAGEMAKER_URL}/endpoints/churn-endpoint/invocations`;

const apiGateway: ChurnApiTarget = { mode: 'apigateway', endpoint: API_GATEWAY_URL, maxBatchSize: 25 };
const sageMaker = (contentType: 'text/csv' | 'application/json'): ChurnApiTarget => ({
  mode: 'sagemaker',
  endpoint: `${SAGEMAKER_URL}/`,
  endpointName: 'churn-endpoint',
  contentType,
  maxBatchSize: 25,
});

const companies = (count: number): ChurnFeaturesWithId[] => Array.from({ length: count }, (_, index) => churnFeaturesFactory(index));

describe('ChurnApiScorer', () => {
  const mockHttp = useMockHttpServer();

  function scorerFactory(target: ChurnApiTarget, service = target.mode === 'apigateway' ? 'execute-api' : 'sagemaker', timeoutMs = 1_000) {
    return new ChurnApiScorer(target, testSignedFetch(service, { timeoutMs, apiKey: 'test-api-key' }));
  }

  /** Answers every churn call (both modes) with `reply`. */
  function replyWith(reply: () => Response | Promise<Response>) {
    mockHttp.server.use(
      http.post(API_GATEWAY_URL, reply),
      http.post(INVOCATIONS_URL, reply),
    );
  }

  describe('apigateway mode', () => {
    it('posts one Company (riskOfChurn false), SigV4-signed for execute-api, and reads {churn} with a null probability', async () => {
      // Prepare
      mockHttp.server.use(
        http.post(API_GATEWAY_URL, async ({ request }) => {
          await mockHttp.capture(request);
          return HttpResponse.json({ churn: true });
        }),
      );
      const company = churnFeaturesFactory(3);

      // Act
      const verdicts = await scorerFactory(apiGateway).score([company]);

      // Assess
      expect(verdicts).toEqual([{ churn: true, probability: null }]);
      const [request] = mockHttp.requests;
      expect(JSON.parse(request?.body ?? '')).toEqual({ ...company, riskOfChurn: false });
      expect(request?.headers['content-type']).toBe('application/json');
      expect(request?.headers['x-api-key']).toBe('test-api-key');
      expect(request?.headers['authorization']).toMatch(credentialScopePattern('execute-api'));
    });

    it('reads the probability when the reply has one', async () => {
      // Prepare
      replyWith(() => HttpResponse.json({ churn: false, probability: 0.125 }));

      // Act
      const verdicts = await scorerFactory(apiGateway).score([churnFeaturesFactory(0)]);

      // Assess
      expect(verdicts).toEqual([{ churn: false, probability: 0.125 }]);
    });

    it('posts a batch as {instances} and maps {predictions} back in order', async () => {
      // Prepare: each prediction is derived from its instance, so order mistakes show
      mockHttp.server.use(
        http.post(API_GATEWAY_URL, async ({ request }) => {
          const { body } = await mockHttp.capture(request);
          const { instances } = apiGatewayBatchRequestSchema.parse(JSON.parse(body));
          return HttpResponse.json({ predictions: instances.map((instance) => ({ churn: instance.revenu % 2 === 0, probability: instance.revenu / 100_000 })) });
        }),
      );
      const batch = companies(4);

      // Act
      const verdicts = await scorerFactory(apiGateway).score(batch);

      // Assess
      expect(JSON.parse(mockHttp.requests[0]?.body ?? '')).toEqual({ instances: batch.map((company) => ({ ...company, riskOfChurn: false })) });
      expect(verdicts).toEqual(batch.map((company) => ({ churn: company.revenu % 2 === 0, probability: company.revenu / 100_000 })));
    });
  });

  describe('sagemaker mode', () => {
    it('posts text/csv feature rows to the invocations URL, SigV4-signed for sagemaker', async () => {
      // Prepare
      mockHttp.server.use(
        http.post(INVOCATIONS_URL, async ({ request }) => {
          await mockHttp.capture(request);
          return HttpResponse.text('0.9\n0.1\n0.5\n');
        }),
      );
      const batch = companies(3);

      // Act
      const verdicts = await scorerFactory(sageMaker('text/csv')).score(batch);

      // Assess
      const [request] = mockHttp.requests;
      expect(request?.body).toBe(batch.map(toCsvRow).join('\n'));
      expect(request?.headers['content-type']).toBe('text/csv');
      expect(request?.headers['accept']).toBe('text/csv');
      expect(request?.headers['authorization']).toMatch(credentialScopePattern('sagemaker'));
      expect(verdicts).toEqual([
        { churn: true, probability: 0.9 },
        { churn: false, probability: 0.1 },
        { churn: true, probability: 0.5 },
      ]);
    });

    it('reads a comma-separated text/csv reply', async () => {
      // Prepare
      replyWith(() => HttpResponse.text('0.2,0.75'));

      // Act
      const verdicts = await scorerFactory(sageMaker('text/csv')).score(companies(2));

      // Assess
      expect(verdicts).toEqual([
        { churn: false, probability: 0.2 },
        { churn: true, probability: 0.75 },
      ]);
    });

    it('URL-encodes the endpoint name', async () => {
      // Prepare
      mockHttp.server.use(
        http.post(`${SAGEMAKER_URL}/endpoints/:name/invocations`, async ({ request }) => {
          await mockHttp.capture(request);
          return HttpResponse.text('0.3');
        }),
      );
      const target = { ...sageMaker('text/csv'), endpointName: 'churn endpoint/v2' } as const;

      // Act
      await scorerFactory(target).score(companies(1));

      // Assess
      expect(mockHttp.requests[0]?.url.pathname).toBe('/endpoints/churn%20endpoint%2Fv2/invocations');
    });

    it('posts application/json instances and reads the Linear Learner predictions', async () => {
      // Prepare
      mockHttp.server.use(
        http.post(INVOCATIONS_URL, async ({ request }) => {
          await mockHttp.capture(request);
          return HttpResponse.json({ predictions: [{ score: 0.7, predicted_label: 1 }, { score: 0.05, predicted_label: 0 }] });
        }),
      );
      const batch = companies(2);

      // Act
      const verdicts = await scorerFactory(sageMaker('application/json')).score(batch);

      // Assess
      expect(JSON.parse(mockHttp.requests[0]?.body ?? '')).toEqual({ instances: batch.map((company) => ({ features: toFeatureVector(company) })) });
      expect(mockHttp.requests[0]?.headers['content-type']).toBe('application/json');
      expect(verdicts).toEqual([
        { churn: true, probability: 0.7 },
        { churn: false, probability: 0.05 },
      ]);
    });
  });

  describe('failures', () => {
    const targets = [
      ['apigateway', apiGateway],
      ['sagemaker csv', sageMaker('text/csv')],
      ['sagemaker json', sageMaker('application/json')],
    ] as const;

    it.each([500, 503, 429])('fails with a retriable HttpStatusError on HTTP %i', async (status) => {
      // Prepare
      replyWith(() => HttpResponse.text('try later', { status }));

      // Act
      const failure = await scorerFactory(apiGateway).score(companies(2)).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(HttpStatusError);
      expect(failure).toMatchObject({ status, retriable: true });
    });

    it('fails with a non-retriable HttpStatusError on HTTP 400', async () => {
      // Prepare
      replyWith(() => HttpResponse.json({ message: 'bad features' }, { status: 400 }));

      // Act
      const failure = await scorerFactory(sageMaker('text/csv')).score(companies(1)).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(HttpStatusError);
      expect(failure).toMatchObject({ status: 400, retriable: false, bodyExcerpt: expect.stringContaining('bad features') });
    });

    it.each([
      ['apigateway single, not JSON', apiGateway, 1, () => HttpResponse.text('<html>oops</html>')],
      ['apigateway single, wrong shape', apiGateway, 1, () => HttpResponse.json({ churn: 'yes' })],
      ['apigateway batch, no predictions', apiGateway, 2, () => HttpResponse.json({ churn: true })],
      ['sagemaker csv, not a number', sageMaker('text/csv'), 2, () => HttpResponse.text('0.4\nabc')],
      ['sagemaker csv, above 1', sageMaker('text/csv'), 1, () => HttpResponse.text('1.5')],
      ['sagemaker json, bad label', sageMaker('application/json'), 1, () => HttpResponse.json({ predictions: [{ score: 0.4, predicted_label: 2 }] })],
    ] as const)('rejects a malformed reply (%s) with a retriable ChurnContractError (the API is broken, no record is at fault)', async (_case, target, count, reply) => {
      // Prepare
      replyWith(reply);

      // Act
      const failure = await scorerFactory(target).score(companies(count)).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(ChurnContractError);
      expect(failure).toMatchObject({ retriable: true });
    });

    it.each(targets)('fails with a retriable HttpNetworkError when the connection resets (%s)', async (_name, target) => {
      // Prepare
      replyWith(() => HttpResponse.error());

      // Act
      const failure = await scorerFactory(target).score(companies(1)).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(HttpNetworkError);
      expect(failure).toMatchObject({ retriable: true });
    });

    it('fails with a retriable HttpTimeoutError when the reply is slower than the attempt timeout', async () => {
      // Prepare
      replyWith(async () => {
        await delay(500);
        return HttpResponse.json({ churn: false });
      });

      // Act
      const started = Date.now();
      const failure = await scorerFactory(apiGateway, 'execute-api', 100).score(companies(1)).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(HttpTimeoutError);
      expect(failure).toMatchObject({ retriable: true, timeoutMs: 100 });
      expect(Date.now() - started).toBeLessThan(450);
    });

    it('rejects with the caller abort reason when the caller cancels', async () => {
      // Prepare
      replyWith(async () => {
        await delay(500);
        return HttpResponse.json({ churn: false });
      });
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('budget exceeded')), 20);

      // Act
      const failure = await scorerFactory(apiGateway).score(companies(1), controller.signal).catch((error: unknown) => error);

      // Assess
      expect(failure).toEqual(new Error('budget exceeded'));
    });
  });
});
