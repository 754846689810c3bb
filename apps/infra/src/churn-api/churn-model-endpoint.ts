import { ArnFormat, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../nag-acknowledgements';
import { accountServicePrincipal } from '../shared/service-principal';

/** Props of {@link ChurnModelEndpoint}; the model settings are usually CloudFormation parameters. */
export interface ChurnModelEndpointProps {
  /** Lowercase endpoint name (its ARN then equals its name, which keeps IAM exact). */
  readonly endpointName: string;
  /** `s3://bucket/key/model.tar.gz`, the trained model artifact. */
  readonly modelDataUrl: string;
  /** An ECR image URI `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`. */
  readonly imageUri: string;
  /** e.g. `ml.m5.large`. */
  readonly instanceType: string;
  readonly initialInstanceCount: number;
}

/**
 * A real-time SageMaker endpoint serving the churn model: the model (artifact + inference image,
 * network-isolated), its endpoint configuration and the endpoint, with an execution role that may
 * read exactly the artifact object and pull from the image's registry.
 */
export class ChurnModelEndpoint extends Construct {
  readonly endpointName: string;
  /** `arn:…:sagemaker:<region>:<account>:endpoint/<name>`, for `sagemaker:InvokeEndpoint` grants. */
  readonly endpointArn: string;

  constructor(scope: Construct, id: string, props: ChurnModelEndpointProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.endpointName = props.endpointName;
    this.endpointArn = stack.formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: props.endpointName });

    const role = new iam.Role(this, 'ExecutionRole', {
      assumedBy: accountServicePrincipal('sagemaker.amazonaws.com'),
      description: 'SageMaker execution role of the churn model endpoint',
    });
    // `s3://bucket/key` → `arn:aws:s3:::bucket/key`, resolved at deploy time (a parameter).
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [Fn.join('', [`arn:${stack.partition}:s3:::`, Fn.select(1, Fn.split('s3://', props.modelDataUrl))])],
      }),
    );
    // `<account>.dkr.ecr.<region>.amazonaws.com/…` → the registry's account and region. Repository
    // names may contain "/", so the repository cannot be cut out of the URI with Fn::Split.
    const registryParts = Fn.split('.', props.imageUri);
    const registryRepositories = Fn.join('', [`arn:${stack.partition}:ecr:`, Fn.select(3, registryParts), ':', Fn.select(0, registryParts), ':repository/*']);
    const endpointLogs = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `/aws/sagemaker/Endpoints/${props.endpointName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], resources: [registryRepositories] }),
    );
    role.addToPolicy(new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], resources: [endpointLogs] }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': '/aws/sagemaker/Endpoints' } },
      }),
    );
    acknowledgeWildcardResources(
      role,
      [registryRepositories],
      'Image pulls are limited to the registry (account and region) named by the ModelImage parameter; the repository name cannot be cut out of the URI.',
    );
    acknowledgeWildcardResources(
      role,
      ['*'],
      'ecr:GetAuthorizationToken and cloudwatch:PutMetricData support no resource-level permissions; PutMetricData is limited to the SageMaker endpoint namespace by condition.',
    );
    acknowledgeWildcardResources(role, [endpointLogs], "Log streams are created per instance inside the endpoint's own log group.");

    const model = new sagemaker.CfnModel(this, 'Model', {
      executionRoleArn: role.roleArn,
      primaryContainer: { image: props.imageUri, modelDataUrl: props.modelDataUrl },
      enableNetworkIsolation: true,
    });
    // SageMaker checks the role's access to the artifact and the image when the model is created.
    model.node.addDependency(role.node.findChild('DefaultPolicy'));
    Validations.of(model).acknowledge({
      id: 'AwsSolutions-SM1',
      reason: 'The model runs with network isolation (no network access at all), so a VPC adds nothing.',
    });

    const endpointConfig = new sagemaker.CfnEndpointConfig(this, 'EndpointConfig', {
      productionVariants: [
        {
          variantName: 'AllTraffic',
          modelName: model.attrModelName,
          instanceType: props.instanceType,
          initialInstanceCount: props.initialInstanceCount,
          initialVariantWeight: 1,
        },
      ],
    });
    Validations.of(endpointConfig).acknowledge({
      id: 'AwsSolutions-SM2',
      reason:
        'The instance storage volume is encrypted by SageMaker with an AWS-managed key; a customer-managed key is not supported on instance types with NVMe instance storage, which the InstanceType parameter may name.',
    });

    new sagemaker.CfnEndpoint(this, 'Endpoint', {
      endpointName: props.endpointName,
      endpointConfigName: endpointConfig.attrEndpointConfigName,
    });
  }
}
