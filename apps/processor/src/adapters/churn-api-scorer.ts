import {
  apiGatewayBatchResponseSchema,
  apiGatewayChurnResponseSchema,
  assertOk,
  CHURN_THRESHOLD,
  parseWithSchema,
  sageMakerJsonResponseSchema,
  toCsvRow,
  toFeatureVector,
  type SignedFetch,
} from '@tenant-analytics/domain';
import type { z } from 'zod';
import { ChurnContractError } from '../core/errors';
import type { ChurnFeaturesWithId, ChurnScorer, ChurnVerdict } from '../core/ports';

/** How to reach the churn model (config `churn.*`). */
export type ChurnApiTarget =
  | { readonly mode: 'apigateway'; readonly endpoint: string; readonly maxBatchSize: number }
  | {
      readonly mode: 'sagemaker';
      readonly endpoint: string;
      readonly endpointName: string;
      readonly contentType: 'text/csv' | 'application/json';
      readonly maxBatchSize: number;
    };

async function decodeJson<S extends z.ZodType>(response: Response, schema: S, what: string): Promise<z.infer<S>> {
  const decoded = parseWithSchema(schema, await response.json().catch(() => undefined));
  if (!decoded.ok) throw new ChurnContractError(`churn API returned an invalid ${what}: ${decoded.message}`);
  return decoded.value;
}

/**
 * The churn model over HTTP, signed by the injected fetch function:
 * - `apigateway` (seed): `POST <endpoint>` with one Company → `{churn, probability?}`; with more
 *   than one, the batch extension `{"instances":[…]}` → `{"predictions":[…]}`;
 * - `sagemaker`: `POST <endpoint>/endpoints/<name>/invocations`, `text/csv` feature rows → one
 *   probability per line, or `application/json` → Linear Learner `{"predictions":[{score}]}`.
 * A 200 whose body breaks that contract is a retriable {@link ChurnContractError}: the API is
 * broken, no record is at fault.
 */
export class ChurnApiScorer implements ChurnScorer {
  readonly maxBatchSize: number;

  constructor(
    private readonly target: ChurnApiTarget,
    private readonly fetchFn: SignedFetch,
  ) {
    this.maxBatchSize = target.maxBatchSize;
  }

  async score(companies: readonly ChurnFeaturesWithId[], signal?: AbortSignal): Promise<ChurnVerdict[]> {
    return this.target.mode === 'apigateway' ? this.scoreApiGateway(this.target.endpoint, companies, signal) : this.scoreSageMaker(this.target, companies, signal);
  }

  private async post(url: string, contentType: string, body: string, signal?: AbortSignal): Promise<Response> {
    const response = await this.fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': contentType, accept: contentType === 'text/csv' ? 'text/csv' : 'application/json' },
      body,
      ...(signal === undefined ? {} : { signal }),
    });
    return assertOk(response, 'POST');
  }

  private async scoreApiGateway(endpoint: string, companies: readonly ChurnFeaturesWithId[], signal?: AbortSignal): Promise<ChurnVerdict[]> {
    const bodyOf = (company: ChurnFeaturesWithId) => ({ ...company, riskOfChurn: false });
    if (companies.length === 1 && companies[0] !== undefined) {
      const response = await this.post(endpoint, 'application/json', JSON.stringify(bodyOf(companies[0])), signal);
      const verdict = await decodeJson(response, apiGatewayChurnResponseSchema, 'verdict');
      return [{ churn: verdict.churn, probability: verdict.probability ?? null }];
    }
    const response = await this.post(endpoint, 'application/json', JSON.stringify({ instances: companies.map(bodyOf) }), signal);
    const { predictions } = await decodeJson(response, apiGatewayBatchResponseSchema, 'batch of verdicts');
    return predictions.map((prediction) => ({ churn: prediction.churn, probability: prediction.probability }));
  }

  private async scoreSageMaker(
    target: Extract<ChurnApiTarget, { mode: 'sagemaker' }>,
    companies: readonly ChurnFeaturesWithId[],
    signal?: AbortSignal,
  ): Promise<ChurnVerdict[]> {
    const url = `${target.endpoint.replace(/\/+$/, '')}/endpoints/${encodeURIComponent(target.endpointName)}/invocations`;
    if (target.contentType === 'text/csv') {
      const response = await this.post(url, 'text/csv', companies.map(toCsvRow).join('\n'), signal);
      const text = await response.text();
      const probabilities = text.split(/[\s,]+/).filter((token) => token.length > 0).map(Number);
      if (probabilities.some((p) => !Number.isFinite(p) || p < 0 || p > 1)) {
        throw new ChurnContractError(`churn endpoint returned a non-probability: ${text.slice(0, 100)}`);
      }
      return probabilities.map((probability) => ({ churn: probability >= CHURN_THRESHOLD, probability }));
    }
    const body = JSON.stringify({ instances: companies.map((company) => ({ features: toFeatureVector(company) })) });
    const response = await this.post(url, 'application/json', body, signal);
    const { predictions } = await decodeJson(response, sageMakerJsonResponseSchema, 'prediction list');
    return predictions.map((prediction) => ({ churn: prediction.predicted_label === 1, probability: prediction.score }));
  }
}
