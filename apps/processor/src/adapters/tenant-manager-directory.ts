import { assertOk, parseWithSchema, ResponseDecodeError, tenantSchema, tenantToCompany, type SignedFetch } from '@tenant-analytics/domain';
import type { TenantDirectory, TenantLookup } from '../core/ports';

/**
 * The tenant manager over HTTP (seed contract): `GET <base>/api/v1/tenants/{id}` → 200 tenant or
 * 404. Other statuses throw {@link HttpStatusError} (retriable for 429/5xx); timeouts and network
 * failures throw retriable errors from the fetch function.
 */
export class TenantManagerDirectory implements TenantDirectory {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchFn: SignedFetch,
  ) {}

  async lookup(companyID: string, signal?: AbortSignal): Promise<TenantLookup> {
    // `.` and `..` are valid ids by the contract, but URL parsing turns them into path navigation
    // (`/tenants/.` is the tenant list): no tenant can be addressed by them, so none exists.
    if (companyID === '.' || companyID === '..') return { found: false };
    const url = new URL(`api/v1/tenants/${encodeURIComponent(companyID)}`, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    const response = await this.fetchFn(url, { method: 'GET', headers: { accept: 'application/json' }, ...(signal === undefined ? {} : { signal }) });
    if (response.status === 404) {
      await response.body?.cancel();
      return { found: false };
    }
    await assertOk(response, 'GET');
    const decoded = parseWithSchema(tenantSchema, await response.json().catch(() => undefined));
    if (!decoded.ok) throw new ResponseDecodeError(`tenant manager returned an invalid tenant for ${companyID}: ${decoded.message}`, { context: { companyID } });
    if (decoded.value.tenantID !== companyID) {
      throw new ResponseDecodeError(`tenant manager answered ${decoded.value.tenantID} for ${companyID}`, { context: { companyID } });
    }
    return { found: true, company: tenantToCompany(decoded.value) };
  }
}
