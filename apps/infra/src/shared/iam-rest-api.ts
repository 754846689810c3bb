import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeManagedPolicy } from '../nag-acknowledgements';
import { accountServicePrincipal } from './service-principal';

/** The stage of this app's REST APIs (the seed's `…/prod/assessChurn`). */
export const REST_API_STAGE = 'prod';

/** Who may call which methods, as the API's resource policy says it. */
export interface RestApiCallers {
  /** Principal ARNs (`aws:PrincipalArn`) admitted to {@link methods}; every other caller is denied. */
  readonly principalArns: readonly string[];
  /**
   * The methods the policy reserves for {@link principalArns}, as `<METHOD>/<path>` below the stage
   * (`POST/assessChurn`, `GET/api/v1/tenants/*`); other methods are left to the callers' identity
   * policies.
   * @default - every method
   */
  readonly methods?: readonly string[];
}

/** Props of {@link IamRestApi}. */
export interface IamRestApiProps {
  readonly description: string;
  readonly callers: RestApiCallers;
  readonly rateLimit: number;
  readonly burstLimit: number;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A regional REST API whose callers authenticate with SigV4 (IAM) and whose resource policy admits
 * only the named principals: in the same account IAM authorization alone would let any principal
 * with `execute-api:Invoke` in its identity policy call it. Stage `prod` with throttling, JSON
 * access logs, execution logs at ERROR and metrics; the account-wide CloudWatch role API Gateway
 * logs through is created here (trusting API Gateway for this account only) and retained.
 */
export class IamRestApi extends Construct {
  readonly api: apigateway.RestApi;

  constructor(scope: Construct, id: string, props: IamRestApiProps) {
    super(scope, id);
    const methods = props.callers.methods ?? ['*/*'];
    const resources = methods.map((method) => `execute-api:/${REST_API_STAGE}/${method}`);
    const policy = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'AdmitNamedCallers',
          principals: [new iam.AccountRootPrincipal()],
          actions: ['execute-api:Invoke'],
          resources,
          conditions: { ArnEquals: { 'aws:PrincipalArn': [...props.callers.principalArns] } },
        }),
        new iam.PolicyStatement({
          sid: 'DenyEveryoneElse',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['execute-api:Invoke'],
          resources,
          conditions: { ArnNotEquals: { 'aws:PrincipalArn': [...props.callers.principalArns] } },
        }),
      ],
    });

    // API Gateway logs to CloudWatch through one role per account and region (AWS::ApiGateway::Account).
    const cloudWatchRole = new iam.Role(this, 'CloudWatchRole', {
      assumedBy: accountServicePrincipal('apigateway.amazonaws.com'),
      description: 'Account-wide role API Gateway writes execution and access logs with',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs')],
    });
    cloudWatchRole.applyRemovalPolicy(RemovalPolicy.RETAIN);
    acknowledgeManagedPolicy(
      cloudWatchRole,
      iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs').managedPolicyArn,
      'AmazonAPIGatewayPushToCloudWatchLogs is the documented policy of the account-wide API Gateway logging role; it only writes CloudWatch Logs.',
    );
    const account = new apigateway.CfnAccount(this, 'Account', { cloudWatchRoleArn: cloudWatchRole.roleArn });
    account.applyRemovalPolicy(RemovalPolicy.RETAIN);

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: `${Stack.of(this).stackName}-${id}`,
      description: props.description,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: false,
      policy,
      deployOptions: {
        stageName: REST_API_STAGE,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        metricsEnabled: true,
        throttlingRateLimit: props.rateLimit,
        throttlingBurstLimit: props.burstLimit,
      },
    });
    // The stage's logging settings need the account's CloudWatch role first.
    this.api.deploymentStage.node.addDependency(account);
    Validations.of(this.api).acknowledge(
      { id: 'AwsSolutions-APIG3', reason: 'Callers authenticate with SigV4 (IAM) and the resource policy admits only the named roles; throttling is set on the stage. A WAF web ACL can be attached per account policy.' },
      { id: 'AwsSolutions-COG4', reason: 'IAM authorization is used on purpose: the callers are service roles, not end users.' },
    );
  }
}
