import { Match, type Template } from 'aws-cdk-lib/assertions';
import { CHURN_REQUEST_TEMPLATE, CHURN_RESPONSE_TEMPLATE } from '../churn-api/churn-api-mapping';
import { actionsOf, policyStatements, synthTestStacks } from '../testing/test-app';

function churnTemplate(context: Record<string, unknown> = {}): Template {
  const template = synthTestStacks(context).churnApiTemplate;
  if (template === undefined) {
    throw new Error('no churn API stack');
  }
  return template;
}

describe('ChurnApiStack', () => {
  const template = churnTemplate();

  it('serves POST /prod/assessChurn with IAM authorization and body validation', () => {
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

  it('takes the model artifact, image and instance type as CloudFormation parameters', () => {
    // act / assess
    template.hasParameter('ModelDataUrl', { Type: 'String', AllowedPattern: Match.stringLikeRegexp('s3://') });
    template.hasParameter('ModelImage', { Type: 'String' });
    template.hasParameter('InstanceType', { Default: 'ml.m5.large' });
    template.hasResourceProperties('AWS::SageMaker::Model', {
      EnableNetworkIsolation: true,
      PrimaryContainer: { Image: { Ref: 'ModelImage' }, ModelDataUrl: { Ref: 'ModelDataUrl' } },
    });
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({ InstanceType: { Ref: 'InstanceType' }, InitialInstanceCount: { Ref: 'InstanceCount' } })],
    });
    template.hasResourceProperties('AWS::SageMaker::Endpoint', { EndpointName: 'tenant-analytics-churn' });
  });

  it('lets the model read exactly its artifact object', () => {
    // act
    const read = policyStatements(template, ['AWS::IAM::Policy']).find((statement) => actionsOf(statement).includes('s3:GetObject'));

    // assess
    expect(read?.Resource).toEqual({
      'Fn::Join': ['', ['arn:aws:s3:::', { 'Fn::Select': [1, { 'Fn::Split': ['s3://', { Ref: 'ModelDataUrl' }] }] }]],
    });
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
