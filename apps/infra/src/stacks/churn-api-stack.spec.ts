import { Match, type Template } from 'aws-cdk-lib/assertions';
import { CHURN_REQUEST_TEMPLATE, CHURN_RESPONSE_TEMPLATE } from '../churn-api/churn-api-mapping';
import { actionsOf, policyStatements, SAGEMAKER_MODEL, synthTestStacks } from '../testing/test-app';
import { CHURN_MODEL_BUNDLED_PATH } from './churn-api-stack';

function churnTemplate(context: Record<string, unknown> = {}): Template {
  const template = synthTestStacks(context).churnApiTemplate;
  if (template === undefined) {
    throw new Error('no churn API stack');
  }
  return template;
}

describe('ChurnApiStack', () => {
  const template = churnTemplate({ churnModelHosting: 'sagemaker', ...SAGEMAKER_MODEL });
  const lambdaTemplate = churnTemplate();

  it('serves the model trained in this repository from a Lambda function by default (proxy integration)', () => {
    // act / assess
    lambdaTemplate.resourceCountIs('AWS::SageMaker::Endpoint', 0);
    lambdaTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 10,
      Environment: { Variables: Match.objectLike({ CHURN_MODEL_PATH: CHURN_MODEL_BUNDLED_PATH }) },
    });
    lambdaTemplate.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      AuthorizationType: 'AWS_IAM',
      RequestValidatorId: Match.anyValue(),
      Integration: Match.objectLike({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' }),
    });
    lambdaTemplate.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
    expect(lambdaTemplate.toJSON()['Parameters']?.['ModelDataUrl']).toBeUndefined();
  });

  it('admits only the processor role in the API resource policy', () => {
    // act
    const [api] = Object.values(lambdaTemplate.findResources('AWS::ApiGateway::RestApi'));
    const statements = (api?.['Properties']['Policy'] as { Statement: Record<string, unknown>[] }).Statement;
    const processorRole = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:role/TenantAnalytics-processor-us-west-2']] };

    // assess
    expect(statements).toEqual([
      {
        Sid: 'AdmitNamedCallers',
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Principal: { AWS: expect.anything() },
        Resource: 'execute-api:/prod/*/*',
        Condition: { ArnEquals: { 'aws:PrincipalArn': [processorRole] } },
      },
      {
        Sid: 'DenyEveryoneElse',
        Effect: 'Deny',
        Action: 'execute-api:Invoke',
        Principal: { AWS: '*' },
        Resource: 'execute-api:/prod/*/*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': [processorRole] } },
      },
    ]);
  });

  it('gives the churn function a role that may only write its logs, trusted by Lambda for this account only', () => {
    // act
    const actions = policyStatements(lambdaTemplate, ['AWS::IAM::Policy']).flatMap(actionsOf).sort();

    // assess
    expect(actions).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    lambdaTemplate.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } })] },
    });
  });

  it('fails synthesis when SageMaker hosting lacks the model artifact or image, naming both', () => {
    // act / assess
    expect(() => churnTemplate({ churnModelHosting: 'sagemaker' })).toThrow(/churnModelDataUrl = undefined[\s\S]*churnModelImage = undefined/);
    expect(() => churnTemplate({ churnApiMode: 'sagemaker', churnModelImage: SAGEMAKER_MODEL.churnModelImage })).toThrow(/churnModelDataUrl = undefined/);
  });

  it('serves POST /prod/assessChurn with IAM authorization and body validation (SageMaker hosting)', () => {
    // act / assess
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'assessChurn' });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      AuthorizationType: 'AWS_IAM',
      ApiKeyRequired: false,
      RequestValidatorId: Match.anyValue(),
      RequestModels: { 'application/json': Match.anyValue() },
    });
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [Match.objectLike({ LoggingLevel: 'ERROR', MetricsEnabled: true, ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 })],
    });
  });

  it('integrates directly with the SageMaker runtime through the mapping templates', () => {
    // act / assess
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      Integration: Match.objectLike({
        Type: 'AWS',
        IntegrationHttpMethod: 'POST',
        Uri: 'arn:aws:apigateway:us-west-2:runtime.sagemaker:path/endpoints/tenant-analytics-churn/invocations',
        PassthroughBehavior: 'NEVER',
        RequestTemplates: { 'application/json': CHURN_REQUEST_TEMPLATE },
        IntegrationResponses: Match.arrayWith([{ StatusCode: '200', ResponseTemplates: { 'application/json': CHURN_RESPONSE_TEMPLATE } }]),
      }),
    });
  });

  it('lets the API and nothing else in this stack invoke exactly its endpoint', () => {
    // act
    const invoke = policyStatements(template, ['AWS::IAM::Policy']).filter((statement) => actionsOf(statement).includes('sagemaker:InvokeEndpoint'));

    // assess
    expect(invoke).toEqual([{ Effect: 'Allow', Action: 'sagemaker:InvokeEndpoint', Resource: 'arn:aws:sagemaker:us-west-2:123456789012:endpoint/tenant-analytics-churn' }]);
  });

  it('takes the model artifact, image and instance type from the context, checked at synthesis', () => {
    // act / assess
    template.hasResourceProperties('AWS::SageMaker::Model', {
      EnableNetworkIsolation: true,
      PrimaryContainer: { Image: SAGEMAKER_MODEL.churnModelImage, ModelDataUrl: SAGEMAKER_MODEL.churnModelDataUrl },
    });
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({ InstanceType: 'ml.m5.large', InitialInstanceCount: 1 })],
    });
    template.hasResourceProperties('AWS::SageMaker::Endpoint', { EndpointName: 'tenant-analytics-churn' });
  });

  it('lets the model read exactly its artifact object', () => {
    // act
    const read = policyStatements(template, ['AWS::IAM::Policy']).find((statement) => actionsOf(statement).includes('s3:GetObject'));

    // assess
    expect(read?.Resource).toEqual('arn:aws:s3:::models-123456789012/churn/model.tar.gz');
  });

  it('adds a generated API key and a usage plan on request, the key only as a Secrets Manager reference', () => {
    // act
    const keyed = churnTemplate({ churnApiKeyRequired: true });

    // assess
    keyed.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'POST', ApiKeyRequired: true });
    keyed.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: { PasswordLength: 40, ExcludePunctuation: true } });
    keyed.hasResourceProperties('AWS::ApiGateway::ApiKey', { Value: { 'Fn::Join': ['', Match.arrayWith(['{{resolve:secretsmanager:'])] } });
    keyed.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Throttle: { RateLimit: 500, BurstLimit: 1000 } });
    keyed.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 1);
  });
});
