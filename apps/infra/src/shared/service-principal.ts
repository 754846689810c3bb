import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * A service principal for a role's trust policy that only acts for this account
 * (`aws:SourceAccount`), the confused-deputy guard AWS recommends for service roles.
 *
 * @example
 * new iam.Role(this, 'Role', { assumedBy: accountServicePrincipal('lambda.amazonaws.com') });
 */
export function accountServicePrincipal(service: string): iam.ServicePrincipal {
  return new iam.ServicePrincipal(service, { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } });
}
