import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeManagedPolicy } from '../nag-acknowledgements';
import { CHURN_REQUEST_JSON_SCHEMA, CHURN_REQUEST_TEMPLATE, CHURN_RESPONSE_TEMPLATE } from './churn-api-mapping';

/** The seed's stage and resource: `POST …/prod/assessChurn`. */
export const CHURN_API_STAGE = 'prod';
export const CHURN_API_RESOURCE = 'assessChurn';

/** Props of {@link ChurnRestApi}. */
export interface ChurnRestApiProps {
  /** The SageMaker endpoint the API forwards to. */
  readonly endpointName: string;
  readonly endpointArn: string;
  /** Require an `x-api-key` (generated into Secrets Manager) and meter it with a usage plan. */
  readonly apiKeyRequired: boolean;
  readonly rateLimit: number;
  readonly burstLimit: number;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The seed's churn API: a regional REST API with IAM (SigV4) authorization whose `POST
 * /assessChurn` validates the body, maps it to the model's feature vectors and calls the SageMaker
 * runtime directly (an AWS service integration, no Lambda in between).
 */
export class ChurnRestApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly method: apigateway.Method;
  /** Full URL of `POST /prod/assessChurn`, the processor's `predictChurnApiEndpoint`. */
  readonly url: string;
  /** The generated API key's value, when {@link ChurnRestApiProps.apiKeyRequired}. */
  readonly apiKeySecret?: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: ChurnRestApiProps) {
    super(scope, id);
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: `${Stack.of(this).stackName}-churn`,
      description: 'Churn scoring (seed contract POST /prod/assessChurn) in front of the SageMaker endpoint',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // API Gateway writes logs through one role per account and region; see the README.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: CHURN_API_STAGE,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        metricsEnabled: true,
        throttlingRateLimit: props.rateLimit,
        throttlingBurstLimit: props.burstLimit,
      },
    });
    acknowledgeManagedPolicy(
      this.api.node.findChild('CloudWatchRole'),
      iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs').managedPolicyArn,
      'AmazonAPIGatewayPushToCloudWatchLogs is the documented policy of the account-wide API Gateway logging role; it only writes CloudWatch Logs.',
    );
    Validations.of(this.api).acknowledge(
      { id: 'AwsSolutions-APIG3', reason: 'Callers authenticate with SigV4 (IAM); throttling is set on the stage. A WAF web ACL can be attached per account policy.' },
      { id: 'AwsSolutions-COG4', reason: 'IAM authorization is used on purpose: the caller is the processor role, not an end user.' },
    );

    const integrationRole = new iam.Role(this, 'IntegrationRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'Lets the churn API invoke exactly its SageMaker endpoint',
    });
    integrationRole.addToPolicy(new iam.PolicyStatement({ actions: ['sagemaker:InvokeEndpoint'], resources: [props.endpointArn] }));

    const integration = new apigateway.AwsIntegration({
      service: 'runtime.sagemaker',
      path: `endpoints/${props.endpointName}/invocations`,
      integrationHttpMethod: 'POST',
      options: {
        credentialsRole: integrationRole,
        passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
        requestParameters: {
          'integration.request.header.Content-Type': "'application/json'",
          'integration.request.header.Accept': "'application/json'",
        },
        requestTemplates: { 'application/json': CHURN_REQUEST_TEMPLATE },
        integrationResponses: [
          { statusCode: '200', responseTemplates: { 'application/json': CHURN_RESPONSE_TEMPLATE } },
          // SageMaker throttling stays retriable for the caller; model and validation errors are not.
          { statusCode: '429', selectionPattern: '429' },
          { statusCode: '400', selectionPattern: '4(0\\d|1\\d|2[0-8]|[3-9]\\d)' },
          { statusCode: '502', selectionPattern: '5\\d{2}' },
        ],
      },
    });

    const requestModel = this.api.addModel('ChurnRequest', { contentType: 'application/json', schema: CHURN_REQUEST_JSON_SCHEMA });
    const validator = this.api.addRequestValidator('BodyValidator', { validateRequestBody: true, validateRequestParameters: true });
    this.method = this.api.root.addResource(CHURN_API_RESOURCE).addMethod('POST', integration, {
      authorizationType: apigateway.AuthorizationType.IAM,
      apiKeyRequired: props.apiKeyRequired,
      requestValidator: validator,
      requestModels: { 'application/json': requestModel },
      methodResponses: ['200', '400', '429', '502'].map((statusCode) => ({ statusCode })),
    });
    this.url = this.api.urlForPath(`/${CHURN_API_RESOURCE}`);

    if (props.apiKeyRequired) {
      this.apiKeySecret = new secretsmanager.Secret(this, 'ApiKeySecret', {
        description: 'x-api-key of the churn API (the API Gateway key value)',
        generateSecretString: { passwordLength: 40, excludePunctuation: true },
        removalPolicy: props.removalPolicy,
      });
      Validations.of(this.apiKeySecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'The value is also the API Gateway key; rotating it means replacing the key and redeploying the processor, a manual runbook step (README).',
      });
      const apiKey = new apigateway.ApiKey(this, 'ApiKey', { value: this.apiKeySecret.secretValue.unsafeUnwrap() });
      const usagePlan = new apigateway.UsagePlan(this, 'UsagePlan', {
        throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
        apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
      });
      usagePlan.addApiKey(apiKey);
    }
  }
}
