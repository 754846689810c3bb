import { CfnOutput, CfnParameter, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ChurnModelEndpoint } from '../churn-api/churn-model-endpoint';
import { ChurnRestApi } from '../churn-api/churn-rest-api';
import type { InfraConfig } from '../config/infra-config';

/** Props of {@link ChurnApiStack}. */
export interface ChurnApiStackProps extends StackProps {
  readonly config: InfraConfig;
}

/**
 * The churn model behind the seed's API: a SageMaker endpoint and the REST API in front of it.
 * The model artifact, the inference image and the instance type are CloudFormation parameters
 * (`cdk deploy --parameters <stack>:ModelDataUrl=s3://…`), so synthesis needs none of them.
 */
export class ChurnApiStack extends Stack {
  readonly endpointName: string;
  readonly endpointArn: string;
  /** `https://<id>.execute-api.<region>.amazonaws.com/prod/assessChurn`. */
  readonly assessChurnUrl: string;
  /** `arn:…:execute-api:<region>:<account>:<id>/prod/POST/assessChurn`, for `execute-api:Invoke`. */
  readonly assessChurnMethodArn: string;
  readonly apiKeySecret?: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: ChurnApiStackProps) {
    super(scope, id, props);
    const { config } = props;

    const modelDataUrl = new CfnParameter(this, 'ModelDataUrl', {
      description: 'S3 URI of the trained churn model artifact (model.tar.gz)',
      allowedPattern: '^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$',
      constraintDescription: 's3://<bucket>/<key>',
    });
    const modelImage = new CfnParameter(this, 'ModelImage', {
      description: 'ECR image URI of the inference container, e.g. the Linear Learner image of the region',
      allowedPattern: '^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/.+$',
      constraintDescription: '<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>',
    });
    const instanceType = new CfnParameter(this, 'InstanceType', {
      description: 'SageMaker hosting instance type',
      default: 'ml.m5.large',
      allowedPattern: '^ml\\.[a-z0-9]+\\.[a-z0-9]+$',
    });
    const instanceCount = new CfnParameter(this, 'InstanceCount', {
      type: 'Number',
      description: 'Initial number of hosting instances',
      default: 1,
      minValue: 1,
      maxValue: 100,
    });

    const endpoint = new ChurnModelEndpoint(this, 'ModelEndpoint', {
      endpointName: config.churnEndpointName,
      modelDataUrl: modelDataUrl.valueAsString,
      imageUri: modelImage.valueAsString,
      instanceType: instanceType.valueAsString,
      initialInstanceCount: instanceCount.valueAsNumber,
    });
    const restApi = new ChurnRestApi(this, 'ChurnApi', {
      endpointName: endpoint.endpointName,
      endpointArn: endpoint.endpointArn,
      apiKeyRequired: config.churnApiKeyRequired,
      rateLimit: config.churnApiRateLimit,
      burstLimit: config.churnApiBurstLimit,
      logRetention: config.logRetentionDays,
      removalPolicy: config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });

    this.endpointName = endpoint.endpointName;
    this.endpointArn = endpoint.endpointArn;
    this.assessChurnUrl = restApi.url;
    this.assessChurnMethodArn = restApi.method.methodArn;
    this.apiKeySecret = restApi.apiKeySecret;

    new CfnOutput(this, 'AssessChurnUrl', { value: restApi.url, description: 'POST endpoint of the churn API (predictChurnApiEndpoint)' });
    new CfnOutput(this, 'SageMakerEndpointName', { value: endpoint.endpointName });
  }
}
