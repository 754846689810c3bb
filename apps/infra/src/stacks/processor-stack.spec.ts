import { Match, type Template } from 'aws-cdk-lib/assertions';
import { actionsOf, policyStatements, SAGEMAKER_MODEL, synthTestStacks } from '../testing/test-app';
import { STATE_TABLE_ACTIONS, STREAM_READ_ACTIONS } from './processor-stack';

type Properties = Record<string, unknown>;

/** The event source mapping whose stream ARN comes from the data stack's `<streamId>` output. */
function eventSourceMappingOf(template: Template, streamId: string): Properties {
  const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).map((resource) => resource['Properties'] as Properties);
  const matching = mappings.filter((properties) => JSON.stringify(properties['EventSourceArn']).includes(streamId));
  expect(matching).toHaveLength(1);
  return matching[0] ?? {};
}

/** The statements of the stack's identity policies (the processor role's). */
function roleStatements(template: Template) {
  return policyStatements(template, ['AWS::IAM::Policy']);
}

describe('ProcessorStack', () => {
  const stacks = synthTestStacks({ jobsStartingPosition: 'TRIM_HORIZON' });
  const template = stacks.processorTemplate;

  it.each([
    ['JobsStream', 'TRIM_HORIZON'],
    ['CompaniesStream', 'LATEST'],
  ])('maps %s with partial batch failures, bisection, retries bounded by record age, one lane, an on-failure queue', (streamId, startingPosition) => {
    // act
    const mapping = eventSourceMappingOf(template, streamId);

    // assess
    expect(mapping).toMatchObject({
      FunctionName: { Ref: expect.stringMatching(/^Function/) },
      StartingPosition: startingPosition,
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: -1,
      MaximumRecordAgeInSeconds: 3600,
      ParallelizationFactor: 1,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/^OnFailureQueue/), 'Arn'] } } },
    });
  });

  it('passes batching and retry parameters through, and more lanes only when the processor supports them', () => {
    // act
    const custom = synthTestStacks({ batchSize: 50, maxBatchingWindowSeconds: 5, retryAttempts: 3, maxRecordAgeSeconds: 600, parallelizationFactor: 4, processorSupportsLanes: true });

    // assess
    custom.processorTemplate.allResourcesProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 50,
      MaximumBatchingWindowInSeconds: 5,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 600,
      ParallelizationFactor: 4,
    });
  });

  it('runs the processor bundle on a current Node runtime on arm64 with the configured size', () => {
    // act
    const custom = synthTestStacks({ processorMemoryMb: 2048, processorTimeoutSeconds: 300, processorReservedConcurrency: 8 });

    // assess
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler', MemorySize: 1024, Timeout: 120 });
    custom.processorTemplate.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 2048, Timeout: 300, ReservedConcurrentExecutions: 8 });
  });

  it('hands the processor its property groups in the seed shape', () => {
    // act
    const environment = JSON.stringify(template.findResources('AWS::Lambda::Function'));

    // assess
    for (const fragment of ['\\"PropertyGroupId\\":\\"ApplicationConfigProperties\\"', '\\"churn.api.mode\\":\\"apigateway\\"', '\\"predictChurnApiEndpoint\\":\\"https://', '/assessChurn', '/dead-letters', '\\"async.capacity\\":\\"20\\"']) {
      expect(environment).toContain(fragment);
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'processor', POWERTOOLS_METRICS_NAMESPACE: 'TenantAnalytics', NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=64' }) },
    });
  });

  it('grants the role exactly the actions the processor and its mappings need', () => {
    // act
    const actions = roleStatements(template).flatMap(actionsOf).sort();

    // assess
    expect(actions).toEqual(
      [
        ...STREAM_READ_ACTIONS,
        'kinesis:ListShards',
        'kinesis:PutRecord',
        'kinesis:PutRecords',
        's3:PutObject',
        's3:AbortMultipartUpload',
        ...STATE_TABLE_ACTIONS,
        'execute-api:Invoke',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:SendMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
      ].sort(),
    );
  });

  it('scopes writes to the sink and dead-letter prefixes and reads to the two input streams', () => {
    // act
    const statements = roleStatements(template);
    const s3 = statements.find((statement) => actionsOf(statement).includes('s3:PutObject'));
    const read = statements.find((statement) => actionsOf(statement).includes('kinesis:GetRecords'));
    const write = statements.find((statement) => actionsOf(statement).includes('kinesis:PutRecords'));

    // assess
    expect(s3?.Resource).toHaveLength(2);
    expect(JSON.stringify(s3?.Resource)).toContain('-us-west-2/enriched/*"');
    expect(JSON.stringify(s3?.Resource)).toContain('-us-west-2/dead-letters/*"');
    expect(JSON.stringify(s3?.Resource).match(/s3:::tenantanalytics-sink-/g)).toHaveLength(2);
    expect(read?.Resource).toHaveLength(2);
    expect(JSON.stringify(read?.Resource)).toContain('JobsStream');
    expect(JSON.stringify(read?.Resource)).toContain('CompaniesStream');
    expect(JSON.stringify(write?.Resource)).toContain('EnrichedStream');
    expect(JSON.stringify(write?.Resource)).not.toMatch(/JobsStream|CompaniesStream/);
  });

  it('lets the role invoke exactly the churn API method', () => {
    // act
    const invoke = roleStatements(template).find((statement) => actionsOf(statement).includes('execute-api:Invoke'));

    // assess
    expect(JSON.stringify(invoke?.Resource)).toMatch(/^\{"Fn::Join":\["",\["arn:aws:execute-api:us-west-2:123456789012:",.*DeploymentStageprod.*"\/POST\/assessChurn"\]\]\}$/);
  });

  it('invokes exactly the SageMaker endpoint in sagemaker mode', () => {
    // act
    const sagemaker = synthTestStacks({ churnApiMode: 'sagemaker', churnEndpointName: 'churn-test', ...SAGEMAKER_MODEL });
    const statements = roleStatements(sagemaker.processorTemplate);

    // assess
    expect(statements.filter((statement) => actionsOf(statement).includes('sagemaker:InvokeEndpoint')).map((statement) => statement.Resource)).toEqual([
      'arn:aws:sagemaker:us-west-2:123456789012:endpoint/churn-test',
    ]);
    expect(statements.flatMap(actionsOf)).not.toContain('execute-api:Invoke');
  });

  it('keeps the on-failure queue encrypted and TLS-only', () => {
    // act / assess
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('asks for the (https) tenant manager at deploy time unless the context names it', () => {
    // act
    const withTenantManager = synthTestStacks({ tenantManagerEndpoint: 'https://tenants.example.com' });

    // assess
    template.hasParameter('TenantManagerEndpoint', { Type: 'String', Default: Match.absent(), AllowedPattern: '^https://[^\\s]+$' });
    withTenantManager.processorTemplate.hasParameter('TenantManagerEndpoint', { Default: 'https://tenants.example.com' });
    expect(JSON.stringify(template.findResources('AWS::Lambda::Function'))).toContain('\\"tenantManagerEndpoint\\":\\"",{"Ref":"TenantManagerEndpoint"}');
  });

  it('names its role so the APIs can admit it, trusting Lambda for this account only', () => {
    // act / assess
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'TenantAnalytics-processor-us-west-2',
      AssumeRolePolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }],
      },
    });
  });

  it('does not grant dynamodb:DeleteItem, which the processor never calls', () => {
    // act / assess
    expect(roleStatements(template).flatMap(actionsOf)).not.toContain('dynamodb:DeleteItem');
  });

  it('takes a fixed retry count when asked, and Lambda\'s -1 by default', () => {
    // act
    const counted = synthTestStacks({ retryAttempts: 10 });

    // assess
    counted.processorTemplate.allResourcesProperties('AWS::Lambda::EventSourceMapping', { MaximumRetryAttempts: 10 });
    template.allResourcesProperties('AWS::Lambda::EventSourceMapping', { MaximumRetryAttempts: -1 });
  });

  it('calls the tenant manager stand-in with no parameter, allowed to invoke exactly its lookup route', () => {
    // act
    const standin = synthTestStacks({ tenantManager: 'standin' });
    const invoke = roleStatements(standin.processorTemplate).filter((statement) => actionsOf(statement).includes('execute-api:Invoke'));

    // assess
    expect(Object.keys(standin.processorTemplate.toJSON()['Parameters'] ?? {})).not.toContain('TenantManagerEndpoint');
    expect(JSON.stringify(invoke.map((statement) => statement.Resource))).toContain('/GET/api/v1/tenants/*');
    expect(JSON.stringify(standin.processorTemplate.findResources('AWS::Lambda::Function'))).toContain('"StackName":"TenantAnalyticsTenantManager"');
    // ... and signs its lookups (the stand-in's API is IAM-authorized), which an external tenant manager does not need
    expect(JSON.stringify(standin.processorTemplate.findResources('AWS::Lambda::Function'))).toContain('\\"tenant.signing.enabled\\":\\"true\\"');
  });
});
