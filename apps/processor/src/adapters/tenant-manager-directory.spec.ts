import { companyToTenant, generateCompany, HttpNetworkError, HttpStatusError, ResponseDecodeError } from '@tenant-analytics/domain';
import { http, HttpResponse } from 'msw';
import { testSignedFetch, useMockHttpServer } from '../testing/http-fixtures';
import { TenantManagerDirectory } from './tenant-manager-directory';

const BASE_URL = 'http://tenants.example.test:4010';

const company = generateCompany(42, 7);

describe('TenantManagerDirectory', () => {
  const mockHttp = useMockHttpServer();
  const directoryFactory = (baseUrl = BASE_URL) => new TenantManagerDirectory(baseUrl, testSignedFetch('execute-api', { sign: false }));

  /** Answers every request to the tenant manager with what `body` returns, recording the requests. */
  function serve(body: () => Response) {
    mockHttp.server.use(
      http.get(`${BASE_URL}/*`, async ({ request }) => {
        await mockHttp.capture(request);
        return body();
      }),
    );
  }

  it('gets the tenant and maps tenantID to companyID', async () => {
    // Prepare
    serve(() => HttpResponse.json(companyToTenant(company)));

    // Act
    const lookup = await directoryFactory().lookup(company.companyID);

    // Assess
    expect(lookup).toEqual({ found: true, company });
    expect(mockHttp.requests.map((request) => [request.method, request.url.pathname, request.headers['accept']])).toEqual([
      ['GET', `/api/v1/tenants/${company.companyID}`, 'application/json'],
    ]);
  });

  it('accepts the seed scoring Lambda alias employee for employees', async () => {
    // Prepare
    const { employees, ...tenant } = companyToTenant(company);
    serve(() => HttpResponse.json({ ...tenant, employee: employees }));

    // Act
    const lookup = await directoryFactory().lookup(company.companyID);

    // Assess
    expect(lookup).toEqual({ found: true, company });
  });

  it('answers found false for a 404', async () => {
    // Prepare
    serve(() => HttpResponse.json({ error: 'not found' }, { status: 404 }));

    // Act
    const lookup = await directoryFactory().lookup('comp_404');

    // Assess
    expect(lookup).toEqual({ found: false });
  });

  it.each(['.', '..'])('answers found false for %s without a call (a URL cannot name it: it would address the tenant list)', async (id) => {
    // Prepare: the tenant list, which is what such a URL would reach
    serve(() => HttpResponse.json({ items: [] }));

    // Act
    const lookup = await directoryFactory().lookup(id);

    // Assess
    expect(lookup).toEqual({ found: false });
    expect(mockHttp.requests).toHaveLength(0);
  });

  it('keeps a base URL path and tolerates a trailing slash', async () => {
    // Prepare
    serve(() => HttpResponse.json(companyToTenant(company)));

    // Act
    await directoryFactory(`${BASE_URL}/tenant-manager`).lookup(company.companyID);
    await directoryFactory(`${BASE_URL}/tenant-manager/`).lookup(company.companyID);

    // Assess
    expect(mockHttp.requests.map((request) => request.url.pathname)).toEqual([
      `/tenant-manager/api/v1/tenants/${company.companyID}`,
      `/tenant-manager/api/v1/tenants/${company.companyID}`,
    ]);
  });

  it('URL-encodes an id with special characters, so it stays one path segment', async () => {
    // Prepare
    serve(() => HttpResponse.json({}, { status: 404 }));

    // Act
    await directoryFactory().lookup('../admin?x=1#y z');

    // Assess
    const [request] = mockHttp.requests;
    expect(request?.url.pathname).toBe('/api/v1/tenants/..%2Fadmin%3Fx%3D1%23y%20z');
    expect(request?.url.search).toBe('');
  });

  it.each([500, 503, 429])('fails with a retriable HttpStatusError on HTTP %i', async (status) => {
    // Prepare
    serve(() => HttpResponse.text('busy', { status }));

    // Act
    const failure = await directoryFactory().lookup(company.companyID).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(HttpStatusError);
    expect(failure).toMatchObject({ status, retriable: true });
  });

  it('fails with a non-retriable HttpStatusError on HTTP 400', async () => {
    // Prepare
    serve(() => HttpResponse.text('bad id', { status: 400 }));

    // Act
    const failure = await directoryFactory().lookup(company.companyID).catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({ status: 400, retriable: false });
  });

  it('fails with a retriable HttpNetworkError when the connection resets', async () => {
    // Prepare
    serve(() => HttpResponse.error());

    // Act
    const failure = await directoryFactory().lookup(company.companyID).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(HttpNetworkError);
  });

  it.each([
    ['not JSON', () => HttpResponse.text('<html>maintenance</html>')],
    ['missing fields', () => HttpResponse.json({ tenantID: company.companyID, industry: 'gov' })],
    ['negative employees', () => HttpResponse.json({ ...companyToTenant(company), employees: -1 })],
  ])('rejects an invalid body (%s) with a ResponseDecodeError', async (_case, body) => {
    // Prepare
    serve(body);

    // Act
    const failure = await directoryFactory().lookup(company.companyID).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(ResponseDecodeError);
    expect(failure).toMatchObject({ retriable: false, context: { companyID: company.companyID } });
  });

  it('rejects a reply for another tenant', async () => {
    // Prepare
    serve(() => HttpResponse.json({ ...companyToTenant(company), tenantID: 'comp_other' }));

    // Act
    const failure = await directoryFactory().lookup(company.companyID).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(ResponseDecodeError);
    expect(String(failure)).toMatch(/answered comp_other for comp_7/);
  });
});
