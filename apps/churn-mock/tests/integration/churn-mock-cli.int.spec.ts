import path from 'node:path';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { loadChurnModel, scoreCompany } from '@tenant-analytics/churn-model';
import { createSignedFetch, generateCompanies, toCsvRow } from '@tenant-analytics/domain';
import { runTsx, spawnService, type ServiceProcess } from '@tenant-analytics/service-kit';

const MAIN = path.join(__dirname, '../../src/main.ts');
const QUIET_SDK = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const OLD_KEY = { accessKeyId: 'AKIDOLD', secretAccessKey: 'old-secret' };
const NEW_KEY = { accessKeyId: 'AKIDNEW', secretAccessKey: 'new-secret' };

describe('churn-mock command', () => {
  let service: ServiceProcess | undefined;

  afterEach(async () => {
    await service?.stop('SIGTERM');
    service = undefined;
  });

  it('serves with the flags of the local-stack launcher and stops on SIGTERM with exit 0', async () => {
    // prepare
    service = await spawnService({
      entry: MAIN,
      args: [
        '--host', '127.0.0.1', '--port', '0', '--region', 'eu-west-1',
        '--access-key-id', OLD_KEY.accessKeyId, '--secret-access-key', OLD_KEY.secretAccessKey,
        '--access-key-id', NEW_KEY.accessKeyId, '--secret-access-key', NEW_KEY.secretAccessKey,
        '--api-key', 'local-key', '--endpoint-name', 'churn-test',
      ],
      env: QUIET_SDK,
      readyPath: '/ping',
    });
    const companies = generateCompanies(99, 25);
    const model = loadChurnModel();
    const sageMaker = new SageMakerRuntimeClient({ endpoint: service.url, region: 'eu-west-1', credentials: NEW_KEY, maxAttempts: 1 });
    const apiGateway = createSignedFetch({ service: 'execute-api', region: 'eu-west-1', credentials: async () => OLD_KEY, apiKey: 'local-key', timeoutMs: 10_000 });

    // act
    const invoked = await sageMaker.send(new InvokeEndpointCommand({ EndpointName: 'churn-test', ContentType: 'text/csv', Body: companies.map(toCsvRow).join('\n') }));
    const assessed = await apiGateway(`${service.url}/prod/assessChurn`, { method: 'POST', body: JSON.stringify({ instances: companies }) });
    const exitCode = await service.stop('SIGTERM');

    // assess
    expect(new TextDecoder().decode(invoked.Body).split('\n').map(Number)).toEqual(companies.map((company) => scoreCompany(model, company).probability));
    expect(await assessed.json()).toEqual({ predictions: companies.map((company) => scoreCompany(model, company)) });
    expect(exitCode).toBe(0);
    expect(service.output()).toContain('"accessKeyIds":["AKIDOLD","AKIDNEW"]');
    expect(service.output()).not.toContain('new-secret');
    sageMaker.destroy();
  });

  it('refuses unpaired credentials with exit code 2 naming the flag', async () => {
    // act
    const run = await runTsx({ entry: MAIN, args: ['--port', '0', '--access-key-id', 'A', '--access-key-id', 'B', '--secret-access-key', 'x'], env: QUIET_SDK });

    // assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--secret-access-key: one per --access-key-id (got 2 ids, 1 secrets)');
  });

  it('fails with exit code 1 naming the file when the model artifact is missing', async () => {
    // act
    const run = await runTsx({ entry: MAIN, args: ['--port', '0', '--model', '/nonexistent/model.json'], env: QUIET_SDK });

    // assess
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('cannot read churn model artifact /nonexistent/model.json');
  });
});
