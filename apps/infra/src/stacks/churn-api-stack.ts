import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ChurnModelEndpoint } from '../churn-api/churn-model-endpoint';
import { ChurnRestApi, type ChurnModelBackend } from '../churn-api/churn-rest-api';
import { churnModelHostingOf, type InfraConfig } from '../config/infra-config';
import { CHURN_MODEL_ARTIFACT, CHURN_MODEL_ENTRY } from '../paths';
import { createNodeFunction } from '../shared/node-function';
import { accountServicePrincipal } from '../shared/service-principal';

/** Where the churn function finds the model artifact shipped next to its bundle. */
export const CHURN_MODEL_BUNDLED_PATH = '/var/task/churn-model.json';

/** Props of {@link ChurnApiStack}. */
export interface ChurnApiStackProps extends StackProps {
  readonly config: InfraConfig;
  /** The roles the API's resource policy admits: the processor's. */
  readonly callerRoleArns: readonly string[];
}

/**
 * The churn model behind the seed's API. By default a Lambda function serves the model trained in
 * this repository (`libs/churn-model`, the artifact `apps/churn-mock` serves): no Docker, no
 * SageMaker quota. With `churnModelHosting=sagemaker` a SageMaker endpoint hosts a model of your
 * own (`churnModelDataUrl`, `churnModelImage`, checked at synthesis).
 */
export class ChurnApiStack extends Stack {
  /** The churn function (Lambda hosting). */
  readonly function?: lambda.IFunction;
  /** The SageMaker endpoint's name and ARN (SageMaker hosting). */
  readonly endpointName?: string;
  readonly endpointArn?: string;
  /** `https://<id>.execute-api.<region>.amazonaws.com/prod/assessChurn`. */
  readonly assessChurnUrl: string;
  /** `arn:…:execute-api:<region>:<account>:<id>/prod/POST/assessChurn`, for `execute-api:Invoke`. */
  readonly assessChurnMethodArn: string;
  readonly apiKeySecret?: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: ChurnApiStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    let backend: ChurnModelBackend;
    if (churnModelHostingOf(config) === 'sagemaker') {
      // Synthesis already failed unless both are given (InfraConfigError).
      const endpoint = new ChurnModelEndpoint(this, 'ModelEndpoint', {
        endpointName: config.churnEndpointName,
        modelDataUrl: config.churnModelDataUrl ?? '',
        imageUri: config.churnModelImage ?? '',
        instanceType: config.churnInstanceType,
        initialInstanceCount: config.churnInstanceCount,
      });
      this.endpointName = endpoint.endpointName;
      this.endpointArn = endpoint.endpointArn;
      backend = { kind: 'sagemaker', endpointName: endpoint.endpointName, endpointArn: endpoint.endpointArn };
      new CfnOutput(this, 'SageMakerEndpointName', { value: endpoint.endpointName });
    } else {
      const role = new iam.Role(this, 'ModelFunctionRole', {
        assumedBy: accountServicePrincipal('lambda.amazonaws.com'),
        description: 'Churn model function: writes its own logs, nothing else',
      });
      const fn = createNodeFunction(this, 'ModelFunction', {
        description: 'Churn model trained in this repository (libs/churn-model), behind POST /prod/assessChurn',
        entry: CHURN_MODEL_ENTRY,
        role,
        memorySize: config.churnFunctionMemoryMb,
        timeout: Duration.seconds(10),
        logRetention: config.logRetentionDays,
        removalPolicy,
        environment: { CHURN_MODEL_PATH: CHURN_MODEL_BUNDLED_PATH, POWERTOOLS_SERVICE_NAME: 'churn-model' },
        assets: [[CHURN_MODEL_ARTIFACT, 'churn-model.json']],
      });
      this.function = fn;
      backend = { kind: 'lambda', function: fn };
      new CfnOutput(this, 'ModelFunctionName', { value: fn.functionName });
    }

    const restApi = new ChurnRestApi(this, 'ChurnApi', {
      backend,
      callerRoleArns: props.callerRoleArns,
      apiKeyRequired: config.churnApiKeyRequired,
      rateLimit: config.churnApiRateLimit,
      burstLimit: config.churnApiBurstLimit,
      logRetention: config.logRetentionDays,
      removalPolicy,
    });
    this.assessChurnUrl = restApi.url;
    this.assessChurnMethodArn = restApi.method.methodArn;
    this.apiKeySecret = restApi.apiKeySecret;
    new CfnOutput(this, 'AssessChurnUrl', { value: restApi.url, description: 'POST endpoint of the churn API (predictChurnApiEndpoint)' });
  }
}
