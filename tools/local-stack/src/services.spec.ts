import fs from 'node:fs';
import path from 'node:path';
import { ComponentStartError } from './errors';
import { REPO_ROOT } from '@tenant-analytics/local-endpoints';
import { IMAGE_LAYOUT } from './runtime-layout';
import { serviceSpec, type ServiceParams } from './services';

describe('serviceSpec', () => {
  const params: ServiceParams = {
    port: 4010,
    region: 'us-west-2',
    kinesisEndpoint: 'http://127.0.0.1:4567',
    companiesStream: 'companies',
    extraArgs: ['--log-level', 'debug'],
  };

  it('runs the tenant manager from source with tsx, pointed at the stack, extra flags last', () => {
    // Act
    const spec = serviceSpec('tenantManager', params);

    // Assess
    expect(spec.command).toBe(process.execPath);
    expect(spec.args[0]).toMatch(/tsx[/\\]dist[/\\]cli\.mjs$/);
    expect(spec.args[1]).toBe(path.join(REPO_ROOT, 'apps/tenant-manager-mock/src/main.ts'));
    expect(spec.args.slice(2)).toEqual([
      '--host', '127.0.0.1', '--port', '4010', '--region', 'us-west-2',
      '--kinesis-endpoint', 'http://127.0.0.1:4567', '--companies-stream', 'companies',
      '--log-level', 'debug',
    ]);
    expect(spec.env).toEqual({ AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-west-2' });
  });

  it('gives the churn mock the local credentials and the SageMaker endpoint name', () => {
    // Act
    const { args } = serviceSpec('churnApi', { ...params, port: 4011, extraArgs: [] });

    // Assess
    expect(args[1]).toBe(path.join(REPO_ROOT, 'apps/churn-mock/src/main.ts'));
    expect(args.slice(2).join(' ')).toBe(
      '--host 127.0.0.1 --port 4011 --region us-west-2 --access-key-id S3RVER --secret-access-key S3RVER --endpoint-name churn-endpoint',
    );
  });

  it('runs the bundle in its image, listening on every address of the container', () => {
    // Act
    const spec = serviceSpec('churnApi', { ...params, port: 4011, extraArgs: [] }, IMAGE_LAYOUT);

    // Assess
    expect(spec).toMatchObject({ image: 'churn-mock', command: '/usr/local/bin/node', cwd: '/app', mounts: [] });
    expect(spec.args.join(' ')).toBe(
      '/app/churn-mock/main.cjs --host 0.0.0.0 --port 4011 --region us-west-2 --access-key-id S3RVER --secret-access-key S3RVER --endpoint-name churn-endpoint',
    );
  });

  it('gives the services the keys of endpoints the user provided', () => {
    // Prepare
    const keys = { accessKeyId: 'test', secretAccessKey: 'test-secret' };

    // Act
    const tenantManager = serviceSpec('tenantManager', { ...params, awsCredentials: keys });
    const churn = serviceSpec('churnApi', { ...params, churnCredentials: keys });

    // Assess
    expect(tenantManager.env).toEqual({ AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test-secret', AWS_REGION: 'us-west-2' });
    expect(churn.args.join(' ')).toContain('--access-key-id test --secret-access-key test-secret');
  });

  it('leaves the tenant manager to the default credential chain when told so', () => {
    // Act
    const spec = serviceSpec('tenantManager', { ...params, awsCredentials: 'default-chain' });

    // Assess
    expect(spec.env).toEqual({ AWS_REGION: 'us-west-2' });
  });

  it('rejects a service whose main.ts does not exist, naming the file', () => {
    // Prepare
    jest.spyOn(fs, 'existsSync').mockReturnValue(false);

    // Act & assess
    expect(() => serviceSpec('churnApi', params)).toThrow(ComponentStartError);
    expect(() => serviceSpec('churnApi', params)).toThrow('apps/churn-mock/src/main.ts does not exist');
  });
});
