import { App, Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgeManagedPolicy, acknowledgeWildcardResources } from './nag-acknowledgements';

function roleWithWildcards(): { app: App; stack: Stack; role: iam.Role; resources: string[] } {
  const app = new App();
  const stack = new Stack(app, 'Nagged');
  const role = new iam.Role(stack, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
  });
  const resources = [`arn:${Aws.PARTITION}:s3:::bucket-${Aws.ACCOUNT_ID}/allowed/*`, 'arn:aws:s3:::other/*'];
  role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources }));
  return { app, stack, role, resources };
}

function findings(app: App, stack: Stack): string[] {
  return new AwsSolutionsChecks(app).validateScope(stack).violations.map((violation) => violation.ruleName);
}

describe('acknowledgeWildcardResources', () => {
  it('acknowledges exactly the named wildcard resources, tokens included', () => {
    // prepare
    const { app, stack, role, resources } = roleWithWildcards();
    expect(findings(app, stack).filter((id) => id.startsWith('AwsSolutions-IAM5'))).toHaveLength(2);

    // act
    acknowledgeWildcardResources(role, resources.slice(0, 1), 'Objects under the one prefix this role writes, for the test.');

    // assess
    expect(findings(app, stack).filter((id) => id.startsWith('AwsSolutions-IAM5'))).toEqual(['AwsSolutions-IAM5[Resource::arn:aws:s3:::other/*]']);
  });
});

describe('acknowledgeManagedPolicy', () => {
  it('acknowledges exactly the named AWS-managed policy', () => {
    // prepare
    const { app, stack, role } = roleWithWildcards();
    expect(findings(app, stack)).toContain('AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]');

    // act
    acknowledgeManagedPolicy(role, iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole').managedPolicyArn, 'Basic logging only, for the test.');

    // assess
    expect(findings(app, stack).filter((id) => id.startsWith('AwsSolutions-IAM4'))).toEqual([]);
  });
});
