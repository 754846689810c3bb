import { GetParameterCommand, ParameterNotFound, type SSMClient } from '@aws-sdk/client-ssm';
import { DomainError } from '@tenant-analytics/domain';

/** Where `cdk bootstrap` records its version (default qualifier). */
export const BOOTSTRAP_VERSION_PARAMETER = '/cdk-bootstrap/hnb659fds/version';
/**
 * The oldest bootstrap stack this app's templates accept: CDK v2's synthesizer checks for 6 in
 * every template (`CheckBootstrapVersion`).
 */
export const MINIMUM_BOOTSTRAP_VERSION = 6;

/** The environment is not bootstrapped, or too old; the message says what to run. */
export class BootstrapMissingError extends DomainError {}

/**
 * Checks that `cdk bootstrap` has run in the credentials' account and `region`, so a first deploy
 * fails at once with the command to run instead of deep inside `cdk deploy`.
 *
 * @returns the bootstrap version found
 * @throws {@link BootstrapMissingError} naming the region and the `cdk bootstrap` command
 */
export async function checkBootstrap(ssm: SSMClient, region: string): Promise<number> {
  const bootstrapCommand = `npx nx run infra:bootstrap  (cdk bootstrap for the account of your credentials in ${region})`;
  let value: string | undefined;
  try {
    value = (await ssm.send(new GetParameterCommand({ Name: BOOTSTRAP_VERSION_PARAMETER }))).Parameter?.Value;
  } catch (error) {
    if (error instanceof ParameterNotFound) {
      throw new BootstrapMissingError(`This AWS account is not bootstrapped for the CDK in ${region} (no SSM parameter ${BOOTSTRAP_VERSION_PARAMETER}). Run once:\n  ${bootstrapCommand}`, {
        cause: error,
        context: { region },
      });
    }
    throw error;
  }
  const version = Number(value);
  if (!Number.isInteger(version) || version < MINIMUM_BOOTSTRAP_VERSION) {
    throw new BootstrapMissingError(
      `The CDK bootstrap stack in ${region} is version ${value ?? 'unknown'}; this app needs ${MINIMUM_BOOTSTRAP_VERSION} or newer. Run:\n  ${bootstrapCommand}`,
      { context: { region, version: value } },
    );
  }
  return version;
}
