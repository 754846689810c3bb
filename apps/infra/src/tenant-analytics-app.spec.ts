import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CHURN_MODEL_ARTIFACT, PROCESSOR_ENTRY } from './paths';
import { executeApiArnOf } from './tenant-analytics-app';
import { actionsOf, policyStatements, SAGEMAKER_MODEL, synthTestStacks, type TestStacks } from './testing/test-app';

const EXISTING_API_URL = 'https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod/assessChurn';

/** Context variants that between them create every resource the app can create. */
const VARIANTS: Record<string, Record<string, unknown>> = {
  defaults: {},
  'API key, alarm email, on-demand streams, provisioned table': {
    churnApiKeyRequired: true,
    alarmEmail: 'ops@example.com',
    streamMode: 'on-demand',
    processorReservedConcurrency: 4,
    stateTableBilling: 'provisioned',
  },
  'tenant manager stand-in': { tenantManager: 'standin', removalPolicy: 'destroy' },
  'SageMaker hosting behind the API': { churnModelHosting: 'sagemaker', ...SAGEMAKER_MODEL },
  'sagemaker mode': { churnApiMode: 'sagemaker', ...SAGEMAKER_MODEL },
  'existing churn API': { churnApiEndpointUrl: EXISTING_API_URL },
  'existing SageMaker endpoint': { churnApiMode: 'sagemaker', churnSageMakerEndpointName: 'Churn-Prod' },
};

function templatesOf(stacks: TestStacks) {
  return [stacks.dataTemplate, stacks.processorTemplate, stacks.churnApiTemplate, stacks.tenantManagerTemplate].filter((template) => template !== undefined);
}

function stacksOf(stacks: TestStacks) {
  return [stacks.data, stacks.processor, stacks.churnApi, stacks.tenantManager].filter((stack) => stack !== undefined);
}

describe('addTenantAnalyticsStacks', () => {
  const variants = Object.entries(VARIANTS).map(([name, context]) => [name, synthTestStacks(context)] as const);

  it('creates the data, churn API and processor stacks by default', () => {
    // act
    const [, stacks] = variants[0] ?? [];

    // assess
    expect(stacks === undefined ? [] : stacksOf(stacks).map((stack) => stack.stackName)).toEqual(['TenantAnalyticsData', 'TenantAnalyticsProcessor', 'TenantAnalyticsChurnApi']);
    expect(stacks?.data.terminationProtection).toBe(true);
  });

  it('uses an existing churn API instead of creating one, granting execute-api on its method', () => {
    // act
    const stacks = synthTestStacks({ churnApiEndpointUrl: EXISTING_API_URL, stackPrefix: 'Dev', removalPolicy: 'destroy' });
    const invoke = policyStatements(stacks.processorTemplate, ['AWS::IAM::Policy']).find((statement) => actionsOf(statement).includes('execute-api:Invoke'));

    // assess
    expect(stacks.churnApi).toBeUndefined();
    expect(stacks.processor.stackName).toBe('DevProcessor');
    expect(stacks.data.terminationProtection).toBe(false);
    expect(invoke?.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':execute-api:eu-west-1:123456789012:abc123defg/prod/POST/assessChurn']],
    });
  });

  it('grants nothing for a churn URL that is not an API Gateway URL, and says so', () => {
    // prepare
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);

    // act
    const stacks = synthTestStacks({ churnApiEndpointUrl: 'https://churn.example.com/assessChurn' });

    // assess
    expect(consoleError).toHaveBeenCalledWith(expect.stringContaining('is not an API Gateway default URL'));
    expect(policyStatements(stacks.processorTemplate).flatMap(actionsOf)).not.toContain('execute-api:Invoke');
    Annotations.fromStack(stacks.processor).hasWarning('/TenantAnalyticsProcessor', Match.stringLikeRegexp('not an API Gateway default URL'));
  });

  it('invokes an existing SageMaker endpoint by its lowercase ARN', () => {
    // act
    const stacks = synthTestStacks(VARIANTS['existing SageMaker endpoint']);
    const invoke = policyStatements(stacks.processorTemplate, ['AWS::IAM::Policy']).find((statement) => actionsOf(statement).includes('sagemaker:InvokeEndpoint'));

    // assess
    expect(stacks.churnApi).toBeUndefined();
    expect(invoke?.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':123456789012:endpoint/churn-prod']],
    });
  });

  it.each(variants)('passes the cdk-nag AWS Solutions checks with no unacknowledged finding (%s)', (_name, stacks) => {
    // act
    const violations = stacksOf(stacks).flatMap((stack) => new AwsSolutionsChecks(stacks.app).validateScope(stack).violations);

    // assess
    expect(violations.map((violation) => `${violation.ruleName} ${violation.violatingResources.map((resource) => resource.constructPath).join(', ')}`)).toEqual([]);
  });

  it('gives every acknowledged rule a written reason', () => {
    // act
    const acknowledgements = variants.flatMap(([, stacks]) =>
      stacks.app.node
        .findAll()
        .flatMap((construct) => construct.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
        .flatMap((entry) => Object.entries(entry.data as Record<string, unknown>)),
    );

    // assess
    expect(acknowledgements.length).toBeGreaterThan(10);
    for (const [id, reason] of acknowledgements) {
      expect({ id, reason: typeof reason === 'string' && reason.length >= 40 }).toEqual({ id, reason: true });
    }
  });

  it.each(variants)('makes every service role trust its service for this account only (aws:SourceAccount) (%s)', (_name, stacks) => {
    // act
    const trust = templatesOf(stacks).flatMap((template) =>
      Object.values(template.findResources('AWS::IAM::Role')).flatMap(
        (role) => (role['Properties']['AssumeRolePolicyDocument'] as { Statement: { Principal: unknown; Condition?: unknown }[] }).Statement,
      ),
    );

    // assess
    expect(trust.length).toBeGreaterThan(0);
    for (const statement of trust) {
      expect(statement).toMatchObject({ Principal: { Service: expect.any(String) }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } });
    }
  });

  it.each(variants)('gives every REST API a resource policy that denies all but the processor role (%s)', (_name, stacks) => {
    // act
    const apis = templatesOf(stacks).flatMap((template) => Object.values(template.findResources('AWS::ApiGateway::RestApi')));

    // assess
    for (const api of apis) {
      const statements = (api['Properties']['Policy'] as { Statement: { Effect: string; Condition?: unknown }[] }).Statement;
      const deny = statements.filter((statement) => statement.Effect === 'Deny');
      expect(deny).toHaveLength(1);
      expect(JSON.stringify(deny[0]?.Condition)).toMatch(/^\{"ArnNotEquals":\{"aws:PrincipalArn":\[.*:role\/TenantAnalytics-processor-us-west-2"/);
    }
  });

  it.each(variants)('allows no wildcard action anywhere, kinesis:* least of all (%s)', (_name, stacks) => {
    // act
    const allowed = templatesOf(stacks)
      .flatMap((template) => policyStatements(template))
      .filter((statement) => statement.Effect === 'Allow')
      .flatMap(actionsOf);

    // assess
    expect(allowed.length).toBeGreaterThan(0);
    expect(allowed.filter((action) => action === '*' || action.endsWith(':*'))).toEqual([]);
  });

  it('bundles the processor, the churn model function (with its artifact) and the tenant stand-in with the local esbuild (no Docker)', () => {
    // act
    const stacks = synthTestStacks({ tenantManager: 'standin' }, { bundle: true });
    const assembly = stacks.app.synth();
    const bundleOf = (template: Template | undefined) => {
      const [code] = Object.values(template?.findResources('AWS::Lambda::Function') ?? {}).map((resource) => JSON.stringify(resource['Properties']['Code']));
      const assetHash = /"S3Key":"([0-9a-f]{64})\.zip"/.exec(code ?? '')?.[1];
      return path.join(assembly.directory, `asset.${assetHash}`);
    };
    const processor = bundleOf(stacks.processorTemplate);
    const churn = bundleOf(stacks.churnApiTemplate);
    const tenants = bundleOf(stacks.tenantManagerTemplate);

    // assess
    expect(existsSync(PROCESSOR_ENTRY)).toBe(true);
    for (const bundle of [processor, churn, tenants]) {
      expect(statSync(path.join(bundle, 'index.js')).size).toBeGreaterThan(0);
      expect(existsSync(path.join(bundle, 'index.js.map'))).toBe(true);
    }
    expect(readFileSync(path.join(churn, 'churn-model.json'), 'utf8')).toBe(readFileSync(CHURN_MODEL_ARTIFACT, 'utf8'));
  }, 180_000);
});

describe('executeApiArnOf', () => {
  it('names POST on the stage and path of an API Gateway default URL', () => {
    // act / assess
    expect(executeApiArnOf('https://a1b2c3.execute-api.us-west-2.amazonaws.com/prod/assessChurn', '111122223333', 'aws')).toBe(
      'arn:aws:execute-api:us-west-2:111122223333:a1b2c3/prod/POST/assessChurn',
    );
    expect(executeApiArnOf('https://a1b2c3.execute-api.cn-north-1.amazonaws.com.cn/v1/churn/score/', '111122223333', 'aws-cn')).toBe(
      'arn:aws-cn:execute-api:cn-north-1:111122223333:a1b2c3/v1/POST/churn/score',
    );
  });

  it('rejects custom domains and plain HTTP', () => {
    // act / assess
    expect(executeApiArnOf('https://churn.example.com/prod/assessChurn')).toBeUndefined();
    expect(executeApiArnOf('http://a1b2c3.execute-api.us-west-2.amazonaws.com/prod/assessChurn')).toBeUndefined();
  });
});
