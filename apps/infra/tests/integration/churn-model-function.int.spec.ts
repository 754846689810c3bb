import { loadChurnModel, scoreCompany } from '@tenant-analytics/churn-model';
import {
  apiGatewayBatchResponseSchema,
  apiGatewayChurnResponseSchema,
  createSignedFetch,
  generateCompanies,
  seedChurnRule,
  type Company,
  type SignedFetch,
} from '@tenant-analytics/domain';
// The real composition root: it loads the committed artifact through libs/churn-model.
import { handler } from '../../src/functions/churn-model/handler';
import { startLocalRestApi, type LocalCredential, type LocalRestApi } from '../../src/testing/local-rest-api';

const REGION = 'us-west-2';
const PROCESSOR: LocalCredential = {
  accessKeyId: 'AKIAPROCESSOR0000001',
  secretAccessKey: 'processor-secret-for-local-tests-only',
  principalArn: 'arn:aws:iam::123456789012:role/TenantAnalytics-processor-us-west-2',
};
const OTHER: LocalCredential = { accessKeyId: 'AKIAOTHERPRINCIPAL01', secretAccessKey: 'other-secret', principalArn: 'arn:aws:iam::123456789012:role/other' };

/** The processor's client: the domain's signed fetch, SigV4 `execute-api`, as `createAwsClients` builds it. */
function signedFetchFor(credential: LocalCredential, service = 'execute-api'): SignedFetch {
  return createSignedFetch({
    service,
    region: REGION,
    timeoutMs: 5_000,
    credentials: async () => ({ accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey }),
  });
}

/** The body the processor's ChurnApiScorer sends for one company (apigateway mode). */
function processorBody(company: Company): string {
  return JSON.stringify({ ...company, riskOfChurn: false });
}

describe('churn model function behind a local REST API (IAM auth, resource policy)', () => {
  const model = loadChurnModel();
  let api: LocalRestApi;
  let assessChurnUrl: string;

  beforeAll(async () => {
    api = await startLocalRestApi({
      handler,
      routes: [{ method: 'POST', resource: '/assessChurn' }],
      credentials: [PROCESSOR, OTHER],
      allowedPrincipalArns: [PROCESSOR.principalArn],
      region: REGION,
    });
    assessChurnUrl = `${api.baseUrl}/assessChurn`;
  });

  afterAll(async () => {
    await api.close();
  });

  it('scores one company (the seed shape) as the trained model does', async () => {
    // prepare
    const [company] = generateCompanies(42, 1);
    if (company === undefined) throw new Error('no company');

    // act
    const response = await signedFetchFor(PROCESSOR)(assessChurnUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: processorBody(company) });

    // assess
    expect(response.status).toBe(200);
    expect(apiGatewayChurnResponseSchema.parse(await response.json())).toEqual(scoreCompany(model, company));
  });

  it('scores a batch (the batch extension) in order, matching the seed rule on the tenant data set', async () => {
    // prepare
    const companies = generateCompanies(42, 200).map((company, index) => (index % 3 === 0 ? { ...company, job30: company.job30 + 40, job90: company.job90 + 300 } : company));

    // act
    const response = await signedFetchFor(PROCESSOR)(assessChurnUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ instances: companies.map((company) => ({ ...company, riskOfChurn: false })) }),
    });

    // assess
    expect(response.status).toBe(200);
    const { predictions } = apiGatewayBatchResponseSchema.parse(await response.json());
    expect(predictions).toEqual(companies.map((company) => scoreCompany(model, company)));
    expect(predictions.map((prediction) => prediction.churn)).toEqual(companies.map(seedChurnRule));
  });

  it('rejects an unsigned request, a wrong secret and a signature for another service before the handler', async () => {
    // prepare
    const [company] = generateCompanies(42, 1);
    const body = processorBody(company as Company);
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body };

    // act
    const unsigned = await fetch(assessChurnUrl, init);
    const wrongSecret = await signedFetchFor({ ...PROCESSOR, secretAccessKey: 'not-the-secret' })(assessChurnUrl, init);
    const wrongService = await signedFetchFor(PROCESSOR, 'sagemaker')(assessChurnUrl, init);

    // assess
    expect([unsigned.status, wrongSecret.status, wrongService.status]).toEqual([403, 403, 403]);
    expect(await unsigned.json()).toEqual({ message: 'Missing Authentication Token' });
  });

  it('rejects a principal the resource policy does not admit, even with a valid signature', async () => {
    // prepare
    const [company] = generateCompanies(42, 1);

    // act
    const response = await signedFetchFor(OTHER)(assessChurnUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: processorBody(company as Company) });

    // assess
    expect(response.status).toBe(403);
  });

  it('answers bad bodies with 400 and oversized batches with 413, naming the problem', async () => {
    // prepare
    const post = (body: string) => signedFetchFor(PROCESSOR)(assessChurnUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const [company] = generateCompanies(42, 1);

    // act
    const malformed = await post('{"industry":');
    const missingField = await post(JSON.stringify({ companyID: 'comp_1', industry: 'gov' }));
    const tooMany = await post(JSON.stringify({ instances: Array.from({ length: 1001 }, () => company) }));

    // assess
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { message: string }).message).toContain('not valid JSON');
    expect(missingField.status).toBe(400);
    expect(((await missingField.json()) as { message: string }).message).toContain('revenu');
    expect(tooMany.status).toBe(413);
  });
});
