import { scoreCompany, type ChurnModel } from '@tenant-analytics/churn-model';
import {
  apiGatewayBatchRequestSchema,
  CHURN_THRESHOLD,
  companySchema,
  type ApiGatewayBatchResponse,
  type ApiGatewayChurnResponse,
  type SageMakerJsonResponse,
} from '@tenant-analytics/domain';
import {
  AwsStyleError,
  bodyBytes,
  createServiceApp,
  decodeJsonBody,
  decodeValue,
  DEFAULT_BODY_LIMIT_BYTES,
  mountAdminResource,
  rawBody,
  type FaultInjector,
} from '@tenant-analytics/service-kit';
import type { Express, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { requireApiKey, requireSigV4 } from './auth-middleware';
import { credentialPairsSchema, type CredentialStore } from './credential-store';
import { formatCsvScores, invocationContentType, parseCsvRows, parseJsonInstances } from './invocation-body';

/** The API Gateway route (stage `prod`, resource `assessChurn`), as in the seed. */
export const ASSESS_CHURN_PATH = '/prod/assessChurn';
/** The SageMaker runtime route. */
export const INVOCATIONS_PATH = '/endpoints/:name/invocations';
/** SigV4 signing names per route. */
export const SIGNING_SERVICES = { apiGateway: 'execute-api', sageMaker: 'sagemaker' } as const;

/** What {@link createApp} needs. */
export interface ChurnMockAppOptions {
  readonly logger: Logger;
  readonly model: ChurnModel;
  /** Accepted key pairs; `GET/PUT /admin/credentials` reads and replaces them. */
  readonly credentials: CredentialStore;
  /** Region requests must be signed for. */
  readonly region: string;
  /** The one SageMaker endpoint served; other names get 404 ValidationError. */
  readonly endpointName: string;
  /** When set, `/prod/assessChurn` also requires this `x-api-key`. */
  readonly apiKey?: string;
  readonly faults: FaultInjector;
  /** @default - 1 MiB */
  readonly bodyLimitBytes?: number;
  /** Clock for the signature date check. @default - `new Date()` */
  readonly now?: () => Date;
}

const credentialsBodySchema = z.object({ credentials: credentialPairsSchema }).strict();

/**
 * The churn model behind the two front doors of ARCHITECTURE.md §2, serving the trained artifact:
 * - `POST /prod/assessChurn` (API Gateway, SigV4 `execute-api`, optional `x-api-key`): a Company
 *   → `{churn, probability}`; `{"instances":[Company…]}` → `{"predictions":[…]}` in order;
 * - `POST /endpoints/{name}/invocations` (SageMaker runtime, SigV4 `sagemaker`): `text/csv` rows →
 *   one probability per line; `application/json` `{"instances":[{"features"}]}` →
 *   `{"predictions":[{"score","predicted_label"}]}`; 415 other types, 400 bad rows, 404 other names;
 * - `GET /ping` (readiness), `GET/PUT /admin/faults`, `GET/PUT /admin/credentials` (unsigned).
 *
 * Per request: body (413 over the limit) → signature (403) → api key (403) → faults → handler.
 * Authentication comes before the faults so that a rejected request is rejected deterministically.
 *
 * @example
 * const app = createApp({ logger, model: loadChurnModel(), credentials: new CredentialStore(LOCAL_TEST_CREDENTIALS),
 *   region: 'us-west-2', endpointName: 'churn-endpoint', faults: new FaultInjector() });
 */
export function createApp(options: ChurnMockAppOptions): Express {
  const { model, faults } = options;
  const body = rawBody(options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES);
  const signedFor = (service: string): RequestHandler =>
    requireSigV4({ credentials: options.credentials, region: options.region, service, now: options.now });
  const apiGatewayAuth = options.apiKey === undefined ? [signedFor(SIGNING_SERVICES.apiGateway)] : [signedFor(SIGNING_SERVICES.apiGateway), requireApiKey(options.apiKey)];

  return createServiceApp({
    logger: options.logger,
    faults,
    routes: (app) => {
      app.use((_req, res, next) => {
        // AWS SDKs read the request id from this header into `$metadata.requestId`.
        res.setHeader('x-amzn-RequestId', String(res.getHeader('x-request-id') ?? ''));
        next();
      });

      app.get('/ping', (_req, res) => {
        res.json({ status: 'ok', model: model.kind });
      });

      mountAdminResource(app, '/admin/credentials', {
        read: () => ({ accessKeyIds: options.credentials.accessKeyIds() }),
        replace: (input) => {
          options.credentials.replace(decodeValue(input, credentialsBodySchema).credentials);
          return { accessKeyIds: options.credentials.accessKeyIds() };
        },
      });

      app.post(ASSESS_CHURN_PATH, body, ...apiGatewayAuth, faults.middleware(), (req, res) => {
        const json = decodeJsonBody(req, z.unknown());
        if (json !== null && typeof json === 'object' && 'instances' in json) {
          const { instances } = decodeValue(json, apiGatewayBatchRequestSchema);
          res.json({ predictions: instances.map((company) => scoreCompany(model, company)) } satisfies ApiGatewayBatchResponse);
          return;
        }
        res.json(scoreCompany(model, decodeValue(json, companySchema)) satisfies ApiGatewayChurnResponse);
      });

      app.post(INVOCATIONS_PATH, body, signedFor(SIGNING_SERVICES.sageMaker), faults.middleware(), (req, res) => {
        const name = String(req.params['name']);
        if (name !== options.endpointName) {
          throw new AwsStyleError(404, 'ValidationError', `Endpoint ${name} not found.`, { context: { endpointName: name } });
        }
        const contentType = invocationContentType(req.headers['content-type']);
        const text = bodyBytes(req).toString('utf8');
        if (contentType === 'text/csv') {
          const scores = parseCsvRows(text).map((features) => model.predictProbability(features));
          res.type('text/csv').send(formatCsvScores(scores));
          return;
        }
        const predictions = parseJsonInstances(text).map((features) => {
          const score = model.predictProbability(features);
          return { score, predicted_label: score >= CHURN_THRESHOLD ? (1 as const) : (0 as const) };
        });
        res.json({ predictions } satisfies SageMakerJsonResponse);
      });
    },
  });
}
