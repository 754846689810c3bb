import type { RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { IamRestApi, REST_API_STAGE } from '../shared/iam-rest-api';
import { accountServicePrincipal } from '../shared/service-principal';
import { CHURN_REQUEST_JSON_SCHEMA, CHURN_REQUEST_TEMPLATE, CHURN_RESPONSE_TEMPLATE } from './churn-api-mapping';

/** The seed's stage and resource: `POST …/prod/assessChurn`. */
export const CHURN_API_STAGE = REST_API_STAGE;
export const CHURN_API_RESOURCE = 'assessChurn';

/** What serves `POST /assessChurn`. */
export type ChurnModelBackend =
  /** A Lambda function serving the model trained in this repository (proxy integration). */
  | { readonly kind: 'lambda'; readonly function: lambda.IFunction }
  /** A SageMaker endpoint, called through the Linear Learner mapping templates. */
  | { readonly kind: 'sagemaker'; readonly endpointName: string; readonly endpointArn: string };

/** Props of {@link ChurnRestApi}. */
export interface ChurnRestApiProps {
  readonly backend: ChurnModelBackend;
  /** The roles the resource policy admits (the processor's). */
  readonly callerRoleArns: readonly string[];
  /** Require an `x-api-key` (generated into Secrets Manager) and meter it with a usage plan. */
  readonly apiKeyRequired: boolean;
  readonly rateLimit: number;
  readonly burstLimit: number;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The seed's churn API: a regional REST API with IAM (SigV4) authorization and a resource policy
 * that admits only the processor's role, whose `POST /assessChurn` validates the body and hands it
 * to the model: a Lambda function (proxy integration, the default) or a SageMaker endpoint (an AWS
 * service integration with mapping templates, no Lambda in between).
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
    this.api = new IamRestApi(this, 'churn', {
      description: 'Churn scoring (seed contract POST /prod/assessChurn)',
      callers: { principalArns: props.callerRoleArns },
      rateLimit: props.rateLimit,
      burstLimit: props.burstLimit,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    }).api;

    const requestModel = this.api.addModel('ChurnRequest', { contentType: 'application/json', schema: CHURN_REQUEST_JSON_SCHEMA });
    const validator = this.api.addRequestValidator('BodyValidator', { validateRequestBody: true, validateRequestParameters: true });
    const resource = this.api.root.addResource(CHURN_API_RESOURCE);
    const methodOptions = {
      authorizationType: apigateway.AuthorizationType.IAM,
      apiKeyRequired: props.apiKeyRequired,
      requestValidator: validator,
      requestModels: { 'application/json': requestModel },
    };
    this.method =
      props.backend.kind === 'lambda'
        ? resource.addMethod('POST', new apigateway.LambdaIntegration(props.backend.function, { proxy: true, allowTestInvoke: false }), methodOptions)
        : resource.addMethod('POST', this.sageMakerIntegration(props.backend.endpointName, props.backend.endpointArn), {
            ...methodOptions,
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

  /** `POST /assessChurn` → the SageMaker runtime, through the Linear Learner mapping templates. */
  private sageMakerIntegration(endpointName: string, endpointArn: string): apigateway.AwsIntegration {
    const integrationRole = new iam.Role(this, 'IntegrationRole', {
      assumedBy: accountServicePrincipal('apigateway.amazonaws.com'),
      description: 'Lets the churn API invoke exactly its SageMaker endpoint',
    });
    integrationRole.addToPolicy(new iam.PolicyStatement({ actions: ['sagemaker:InvokeEndpoint'], resources: [endpointArn] }));
    return new apigateway.AwsIntegration({
      service: 'runtime.sagemaker',
      path: `endpoints/${endpointName}/invocations`,
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
  }
}
