import { Logger } from '@aws-lambda-powertools/logger';
import { DEFAULT_MODEL_PATH, loadChurnModel } from '@tenant-analytics/churn-model';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { fromPowertoolsLogger } from '../function-logger';
import { createChurnModelRequestHandler } from './churn-model-request-handler';

/**
 * Lambda composition root of the churn model function. The model artifact is loaded once per
 * container: `CHURN_MODEL_PATH` (the bundle ships `churn-model.json` next to this file), else the
 * library's committed artifact (running from source). A bad artifact fails the cold start with a
 * message naming the file.
 */
const logger = fromPowertoolsLogger(new Logger({ serviceName: 'churn-model' }));
const modelPath = process.env['CHURN_MODEL_PATH'] ?? DEFAULT_MODEL_PATH;
const model = loadChurnModel(modelPath);
const handle = createChurnModelRequestHandler({ model, logger });
logger.info('churn model loaded', { modelPath, kind: model.kind, features: model.featureNames.length });

/** REST API Lambda proxy integration entry point (`POST /assessChurn`). */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  return handle(event);
}
