import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEventSourceMappingSettings, type EventSourceMappingSettings } from '@tenant-analytics/domain';

/** The CDK app's context file: its values override the shared defaults, for the deployment and here. */
export const CDK_JSON = path.resolve(__dirname, '../../../infra/cdk.json');

/**
 * The event source mapping settings the CDK app deploys: the shared defaults of
 * `@tenant-analytics/domain` (`eventSourceMappingContextShape`) overridden by `context` values in
 * `apps/infra/cdk.json`. Values given to `cdk deploy -c key=value` are not seen here.
 *
 * @throws naming the bad key, its value and what was expected
 */
export function loadMappingSettings(cdkJson: string = CDK_JSON): EventSourceMappingSettings {
  const parsed: unknown = JSON.parse(readFileSync(cdkJson, 'utf8'));
  const context = typeof parsed === 'object' && parsed !== null ? (parsed as { context?: unknown }).context : undefined;
  return parseEventSourceMappingSettings(typeof context === 'object' && context !== null ? (context as Record<string, unknown>) : {});
}
