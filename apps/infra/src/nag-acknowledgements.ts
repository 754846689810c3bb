import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
// cdk-nag names a finding after the flattened CloudFormation value; using its own function keeps
// our acknowledgement ids identical to its finding ids (the version is pinned).
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';

function findingValue(scope: IConstruct, value: string): string {
  return flattenCfnReference(Stack.of(scope).resolve(value));
}

/**
 * Acknowledges AwsSolutions-IAM5 for exactly these wildcard resources of `scope`'s policies, so a
 * new wildcard elsewhere still fails the check. Values must not be cross-stack references: those
 * are only rewritten at synthesis, after acknowledgements are recorded.
 */
export function acknowledgeWildcardResources(scope: IConstruct, resources: readonly string[], reason: string): void {
  Validations.of(scope).acknowledge(...resources.map((resource) => ({ id: `AwsSolutions-IAM5[Resource::${findingValue(scope, resource)}]`, reason })));
}

/** Acknowledges AwsSolutions-IAM4 for exactly this AWS-managed policy of `scope`'s role. */
export function acknowledgeManagedPolicy(scope: IConstruct, policyArn: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM4[Policy::${findingValue(scope, policyArn)}]`, reason });
}
