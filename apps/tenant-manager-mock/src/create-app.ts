import { companyIdSchema, tenantSchema, type Tenant } from '@tenant-analytics/domain';
import {
  createServiceApp,
  decodeJsonBody,
  decodeValue,
  DEFAULT_BODY_LIMIT_BYTES,
  HttpError,
  rawBody,
  validationError,
  type FaultInjector,
} from '@tenant-analytics/service-kit';
import type { Express, Request } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { PublishError } from './errors';
import { toSnapshot, type SnapshotPublisher } from './snapshot-publisher';
import type { TenantStore } from './tenant-store';

/** Where the tenant API lives (seed path). */
export const TENANTS_PATH = '/api/v1/tenants';

/** Default and largest page of `GET /api/v1/tenants`. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1_000;

/** What {@link createApp} needs. */
export interface TenantManagerAppOptions {
  readonly logger: Logger;
  readonly store: TenantStore;
  readonly faults: FaultInjector;
  /** When set, every create and update publishes the tenant's snapshot before it is saved. */
  readonly publisher?: SnapshotPublisher;
  /** @default - 1 MiB */
  readonly bodyLimitBytes?: number;
  /** Clock for snapshots' `asOf`. @default - `new Date()` */
  readonly now?: () => Date;
}

const pageNumber = z.coerce.number().int().nonnegative();
const pageLength = z.coerce.number().int().min(1).max(MAX_PAGE_SIZE);

/** `?page=&size=` (page from 0) or `?offset=&limit=`, not both. */
const listQuerySchema = z
  .object({ page: pageNumber.optional(), size: pageLength.optional(), offset: pageNumber.optional(), limit: pageLength.optional() })
  .refine((query) => !((query.page !== undefined || query.size !== undefined) && (query.offset !== undefined || query.limit !== undefined)), {
    message: 'use either page/size or offset/limit, not both',
    path: ['page'],
  });

/**
 * The tenant manager mock (seed contract, ARCHITECTURE.md §2):
 * - `GET /api/v1/tenants/{tenantID}` → 200 tenant, 404 unknown, 400 malformed id;
 * - `GET /api/v1/tenants?page=&size=` or `?offset=&limit=` → `{items, offset, limit, total}`;
 * - `POST /api/v1/tenants` → 201 (+ `Location`), 409 when the id exists;
 * - `PUT /api/v1/tenants/{tenantID}` → 200, 404 unknown (it updates, it does not create);
 * - `GET /health` → 200; `GET/PUT /admin/faults`.
 *
 * With a publisher, a write is published first and saved second: a 503 `publish-failed` means
 * nothing changed and the same request can be retried; a write is never saved unpublished.
 * Faults apply to the `/api` routes after routing, before the handler.
 *
 * @example
 * const app = createApp({ logger, store: new TenantStore(DEFAULT_DATASET), faults: new FaultInjector() });
 */
export function createApp(options: TenantManagerAppOptions): Express {
  const { store, faults } = options;
  const now = options.now ?? (() => new Date());
  const body = rawBody(options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES);
  const injectFaults = faults.middleware();

  const publish = async (tenant: Tenant): Promise<void> => {
    if (!options.publisher) {
      return;
    }
    try {
      await options.publisher.publish(toSnapshot(tenant, now()));
    } catch (error) {
      if (error instanceof PublishError) {
        throw new HttpError(503, 'publish-failed', `${error.message}; nothing was saved, retry the request`, {
          cause: error,
          headers: { 'retry-after': '1' },
          context: { ...error.context },
        });
      }
      throw error;
    }
  };

  return createServiceApp({
    logger: options.logger,
    faults,
    routes: (app) => {
      app.get('/health', (_req, res) => {
        res.json({ status: 'ok', tenants: store.total });
      });

      app.get(TENANTS_PATH, injectFaults, (req, res) => {
        const query = decodeValue(req.query, listQuerySchema);
        const limit = query.size ?? query.limit ?? DEFAULT_PAGE_SIZE;
        const offset = query.page !== undefined ? query.page * limit : (query.offset ?? 0);
        res.json(store.list(offset, limit));
      });

      app.get(`${TENANTS_PATH}/:tenantID`, injectFaults, (req, res) => {
        const tenantID = pathTenantId(req);
        const tenant = store.get(tenantID);
        if (!tenant) {
          throw notFound(tenantID);
        }
        res.json(tenant);
      });

      app.post(TENANTS_PATH, body, injectFaults, async (req, res) => {
        const tenant = decodeJsonBody(req, tenantSchema);
        if (store.has(tenant.tenantID)) {
          throw conflict(tenant.tenantID);
        }
        await publish(tenant);
        if (!store.create(tenant)) {
          throw conflict(tenant.tenantID);
        }
        res.status(201).location(`${TENANTS_PATH}/${encodeURIComponent(tenant.tenantID)}`).json(tenant);
      });

      app.put(`${TENANTS_PATH}/:tenantID`, body, injectFaults, async (req, res) => {
        const tenantID = pathTenantId(req);
        const tenant = decodeJsonBody(req, tenantBodyFor(tenantID));
        if (!store.has(tenantID)) {
          throw notFound(tenantID);
        }
        await publish(tenant);
        if (!store.update(tenant)) {
          throw notFound(tenantID);
        }
        res.json(tenant);
      });
    },
  });
}

function pathTenantId(req: Request): string {
  const result = companyIdSchema.safeParse(req.params['tenantID']);
  if (!result.success) {
    throw validationError([{ field: 'tenantID', reason: result.error.issues[0]?.message ?? 'invalid' }], result.error);
  }
  return result.data;
}

/** A PUT body: a tenant whose `tenantID` may be left out, but must match the path when given. */
function tenantBodyFor(tenantID: string): z.ZodType<Tenant> {
  return z
    .preprocess((input) => (isRecord(input) && input['tenantID'] === undefined ? { ...input, tenantID } : input), tenantSchema)
    .refine((tenant) => tenant.tenantID === tenantID, { message: `must match the path (${tenantID})`, path: ['tenantID'] });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function notFound(tenantID: string): HttpError {
  return new HttpError(404, 'not-found', `tenant ${tenantID} not found`, { context: { tenantID } });
}

function conflict(tenantID: string): HttpError {
  return new HttpError(409, 'conflict', `tenant ${tenantID} already exists`, { context: { tenantID } });
}
