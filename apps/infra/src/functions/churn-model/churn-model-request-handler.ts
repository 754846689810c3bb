import { scoreCompany, type ChurnModel } from '@tenant-analytics/churn-model';
import {
  apiGatewayBatchRequestSchema,
  companySchema,
  parseWithSchema,
  type ApiGatewayBatchResponse,
  type ApiGatewayChurnResponse,
} from '@tenant-analytics/domain';
import type { FunctionLogger } from '../function-logger';
import { errorResponse, jsonResponse, readJsonBody, type RestApiHandler } from '../rest-response';

/** Most companies one batch request may carry; the REST API's model and this handler agree. */
export const MAX_CHURN_INSTANCES = 1000;
/** Largest request body accepted (1,000 companies are about 200 KB). */
export const MAX_CHURN_BODY_BYTES = 1024 * 1024;

/** What {@link createChurnModelRequestHandler} needs. */
export interface ChurnModelRequestHandlerOptions {
  readonly model: ChurnModel;
  readonly logger: FunctionLogger;
}

/**
 * The seed's churn API (`POST /prod/assessChurn`, ARCHITECTURE.md §2) over the model trained in
 * this repository, the same request and response shapes `apps/churn-mock` serves:
 * a Company → `{churn, probability}`; `{"instances":[Company…]}` (1–1,000) →
 * `{"predictions":[{churn, probability}…]}` in order. Bad input is a 400 (413 over the limits)
 * naming the problem; nothing throws to the Lambda runtime.
 *
 * Authentication is API Gateway's (IAM, and the API's resource policy): the function only sees
 * requests that passed it.
 *
 * @example
 * const handle = createChurnModelRequestHandler({ model: loadChurnModel(), logger });
 * await handle(event); // { statusCode: 200, body: '{"churn":false,"probability":0.0002}' }
 */
export function createChurnModelRequestHandler(options: ChurnModelRequestHandlerOptions): RestApiHandler {
  const { model, logger } = options;
  return async (event) => {
    const body = readJsonBody(event, MAX_CHURN_BODY_BYTES);
    if (!body.ok) {
      return body.response;
    }
    try {
      const json = body.value;
      if (json !== null && typeof json === 'object' && 'instances' in json) {
        const instances = (json as { instances: unknown }).instances;
        if (Array.isArray(instances) && instances.length > MAX_CHURN_INSTANCES) {
          return errorResponse(413, `at most ${MAX_CHURN_INSTANCES} instances per request, got ${instances.length}`);
        }
        const batch = parseWithSchema(apiGatewayBatchRequestSchema, json);
        if (!batch.ok) {
          return errorResponse(400, `invalid batch request: ${batch.message}`);
        }
        const reply: ApiGatewayBatchResponse = { predictions: batch.value.instances.map((company) => scoreCompany(model, company)) };
        return jsonResponse(200, reply);
      }
      const company = parseWithSchema(companySchema, json);
      if (!company.ok) {
        return errorResponse(400, `invalid company: ${company.message}`);
      }
      const reply: ApiGatewayChurnResponse = scoreCompany(model, company.value);
      return jsonResponse(200, reply);
    } catch (error) {
      // The schemas admit only finite numbers, so the model cannot reject a vector; anything here
      // is a defect, reported as API Gateway reports integration failures.
      logger.error('churn scoring failed', { error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
      return errorResponse(500, 'internal error while scoring');
    }
  };
}
