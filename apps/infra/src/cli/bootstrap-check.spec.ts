import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { BOOTSTRAP_VERSION_PARAMETER, BootstrapMissingError, checkBootstrap } from './bootstrap-check';

describe('checkBootstrap', () => {
  const ssm = mockClient(SSMClient);
  afterEach(() => ssm.reset());

  it('returns the bootstrap version recorded by cdk bootstrap', async () => {
    // prepare
    ssm.on(GetParameterCommand, { Name: BOOTSTRAP_VERSION_PARAMETER }).resolves({ Parameter: { Value: '30' } });

    // act / assess
    await expect(checkBootstrap(new SSMClient({ region: 'eu-west-1' }), 'eu-west-1')).resolves.toBe(30);
  });

  it('fails with the command to run when the environment was never bootstrapped', async () => {
    // prepare
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));

    // act
    const failure = checkBootstrap(new SSMClient({ region: 'eu-west-1' }), 'eu-west-1');

    // assess
    await expect(failure).rejects.toBeInstanceOf(BootstrapMissingError);
    await expect(failure).rejects.toThrow(/not bootstrapped for the CDK in eu-west-1[\s\S]*npx nx run infra:bootstrap/);
  });

  it('fails on a bootstrap stack older than the templates need', async () => {
    // prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '4' } });

    // act / assess
    await expect(checkBootstrap(new SSMClient({ region: 'eu-west-1' }), 'eu-west-1')).rejects.toThrow(/version 4; this app needs 6 or newer/);
  });

  it('rethrows other failures (no credentials, access denied) untouched', async () => {
    // prepare
    const denied = new Error('AccessDenied');
    ssm.on(GetParameterCommand).rejects(denied);

    // act / assess
    await expect(checkBootstrap(new SSMClient({ region: 'eu-west-1' }), 'eu-west-1')).rejects.toBe(denied);
  });
});
