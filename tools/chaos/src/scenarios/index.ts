import type { KinesisBackend } from '@tenant-analytics/local-stack';
import type { Scenario } from '../scenario';
import { badInputScenario } from './bad-input';
import { churnOutageScenario } from './churn-outage';
import { crashRestartScenario } from './crash-restart';
import { kinesisDataLossScenario, kinesisRestartScenario } from './kinesis-restart';
import { lambdaTimeoutsScenario } from './lambda-timeouts';
import { securityScenario } from './security';
import { soakScenario } from './soak';
import { upstreamFaultsScenario } from './upstream-faults';

export { badInputScenario, type BadInputOptions } from './bad-input';
export { churnOutageScenario, type ChurnOutageOptions } from './churn-outage';
export { crashRestartScenario, type CrashRestartOptions } from './crash-restart';
export { kinesisDataLossScenario, kinesisRestartScenario, type KinesisRestartOptions } from './kinesis-restart';
export { lambdaTimeoutsScenario, type LambdaTimeoutsOptions } from './lambda-timeouts';
export { securityScenario, type SecurityOptions } from './security';
export { soakScenario, type SoakOptions } from './soak';
export { upstreamFaultsScenario, type UpstreamFaultsOptions } from './upstream-faults';

/**
 * Every scenario at full scale, in the order the suite runs them: the security scenario last, as
 * it scans the logs of all the others.
 */
export function allScenarios(options: { readonly soakMinutes: number; readonly soakBackend?: KinesisBackend }): Scenario[] {
  return [
    upstreamFaultsScenario(),
    churnOutageScenario(),
    crashRestartScenario(),
    kinesisRestartScenario(),
    kinesisDataLossScenario(),
    badInputScenario(),
    lambdaTimeoutsScenario(),
    soakScenario({ minutes: options.soakMinutes, calibrationEvents: 5_000, ...(options.soakBackend === undefined ? {} : { kinesisBackend: options.soakBackend }) }),
    securityScenario(),
  ];
}
