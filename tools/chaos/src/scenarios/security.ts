import { createSignedFetch, generateCompany, sleep } from '@tenant-analytics/domain';
import { LOCAL_CREDENTIALS, writeEndpointsFile } from '@tenant-analytics/local-stack';
import type { ChaosPipeline } from '../chaos-pipeline';
import { setChurnCredentials } from '../faults';
import { scanForSecrets, type SuiteSecrets } from '../log-scan';
import { check, runOnPipeline, type Check, type Scenario } from '../scenario';

/** Scale of the security scenario. */
export interface SecurityOptions {
  /** Events sent before and after the rotation (each). */
  readonly events: number;
  readonly ratePerSecond: number;
}

/** The local runner re-reads its churn signing credentials from the endpoints file at most every second. */
const CREDENTIALS_REFRESH_WAIT_MS = 2_500;

type KeyPair = { readonly accessKeyId: string; readonly secretAccessKey: string };

/** Status of one `POST /prod/assessChurn` scoring one company: signed with `keys`, or plain. */
async function churnStatus(pipeline: ChaosPipeline, keys: KeyPair | undefined, apiKey: string | undefined): Promise<number> {
  const url = `${(pipeline.endpoints.churnApi ?? '').replace(/\/+$/, '')}/prod/assessChurn`;
  const post = createSignedFetch({
    service: 'execute-api',
    region: pipeline.endpoints.region,
    timeoutMs: 5_000,
    sign: keys !== undefined,
    ...(keys === undefined ? {} : { credentials: async () => keys }),
    ...(apiKey === undefined ? {} : { apiKey }),
  });
  const response = await post(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(generateCompany(42, 1)) });
  return response.status;
}

async function authenticationChecks(pipeline: ChaosPipeline, secrets: SuiteSecrets): Promise<Check[]> {
  const local = { ...LOCAL_CREDENTIALS };
  const statuses = {
    unsigned: await churnStatus(pipeline, undefined, secrets.apiKey),
    wrongSecret: await churnStatus(pipeline, { accessKeyId: local.accessKeyId, secretAccessKey: `${local.secretAccessKey}x` }, secrets.apiKey),
    unknownKey: await churnStatus(pipeline, { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: local.secretAccessKey }, secrets.apiKey),
    noApiKey: await churnStatus(pipeline, local, undefined),
    signed: await churnStatus(pipeline, local, secrets.apiKey),
  };
  return [
    check('unsigned churn request rejected', statuses.unsigned === 403, `HTTP ${statuses.unsigned}`),
    check('churn request with a wrong secret or unknown key rejected', statuses.wrongSecret === 403 && statuses.unknownKey === 403, `HTTP ${statuses.wrongSecret} / ${statuses.unknownKey}`),
    check('churn request without the api key rejected', statuses.noApiKey === 403, `HTTP ${statuses.noApiKey}`),
    check('correctly signed churn request accepted', statuses.signed === 200, `HTTP ${statuses.signed}`),
  ];
}

/**
 * Security checks: the churn API refuses unsigned, wrongly signed and key-less requests and takes
 * the processor's signed calls; rotating the key pair (the mock accepts the new pair, the runner's
 * credential source — the endpoints file — gets it, the old pair is revoked) takes effect without
 * restarting the runner; and no credential, api key or secret appears in any log line captured
 * during the whole suite (run it last).
 */
export function securityScenario(options: SecurityOptions = { events: 500, ratePerSecond: 200 }): Scenario {
  const meta = { id: 'security', title: '7 security' };
  return {
    ...meta,
    run: (settings) =>
      runOnPipeline(meta, settings, { runnerEnv: { LOG_LEVEL: 'debug' } }, async (pipeline) => {
        const { secrets } = settings;
        const churnUrl = pipeline.endpoints.churnApi ?? '';
        const authChecks = await authenticationChecks(pipeline, secrets);
        const before = await pipeline.send({ count: options.events, ratePerSecond: options.ratePerSecond });
        const pidBefore = pipeline.runnerPid();

        settings.progress(`${meta.title}: rotating the churn API key pair`);
        const local = { ...LOCAL_CREDENTIALS };
        await setChurnCredentials(churnUrl, [local, secrets.rotated]);
        writeEndpointsFile(pipeline.pipeline.endpointsFile, { ...pipeline.endpoints, credentials: { ...secrets.rotated } });
        await sleep(CREDENTIALS_REFRESH_WAIT_MS);
        await setChurnCredentials(churnUrl, [secrets.rotated]);
        const oldKeyStatus = await churnStatus(pipeline, local, secrets.apiKey);
        const after = await pipeline.send({ count: options.events, ratePerSecond: options.ratePerSecond });
        const pidAfter = pipeline.runnerPid();
        const outcome = await pipeline.finish({ toleratedFailures: [] });

        const lines = settings.logs.lines;
        const findings = scanForSecrets(lines, { apiKey: secrets.apiKey, rotatedSecretAccessKey: secrets.rotated.secretAccessKey });
        // Grouped by component (`<scenario>/runner#2` → `runner`) and kind: one example each.
        const byWhat = new Map<string, { count: number; example: string }>();
        for (const finding of findings) {
          const what = `${finding.source.replace(/^[^/]*\//, '').replace(/#\d+$/, '')}: ${finding.kind}`;
          const seen = byWhat.get(what);
          byWhat.set(what, { count: (seen?.count ?? 0) + 1, example: seen?.example ?? `${finding.source}: ${finding.excerpt}` });
        }
        const enrichedAll = outcome.accounting.enriched === before.valid + after.valid;
        return {
          outcome,
          checks: [
            ...authChecks,
            check('processor signed calls pass (every valid event scored)', enrichedAll, `${outcome.accounting.enriched} enriched of ${before.valid + after.valid} valid events`),
            check('old key pair rejected after the rotation', oldKeyStatus === 403, `HTTP ${oldKeyStatus}`),
            check(
              'rotation took effect without a restart',
              enrichedAll && pidBefore !== undefined && pidBefore === pidAfter,
              `${after.valid} events sent after the old pair was revoked, all enriched; runner pid ${pidBefore ?? '-'} → ${pidAfter ?? '-'}`,
            ),
            check(`no secret in the ${lines.length} log lines captured during the suite`, findings.length === 0, findings.length === 0 ? 'none found' : [...byWhat].map(([what, { count }]) => `${what} ×${count}`).join('; ')),
          ],
          notes: [...byWhat].map(([what, { example }]) => `${what}, e.g. ${example}`),
        };
      }),
  };
}
