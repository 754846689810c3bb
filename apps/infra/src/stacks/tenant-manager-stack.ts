import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { InfraConfig } from '../config/infra-config';
import { TENANT_TABLE_KEYS } from '../functions/tenant-manager/tenant-table';
import { TENANT_MANAGER_ENTRY } from '../paths';
import { IamRestApi, REST_API_STAGE } from '../shared/iam-rest-api';
import { createNodeFunction } from '../shared/node-function';
import { accountServicePrincipal } from '../shared/service-principal';

/** The stack output that carries the stand-in API's id (a fixed name other stacks read). */
export const TENANTS_API_ID_OUTPUT = 'TenantsApiId';

/**
 * The `execute-api:Invoke` ARN of `GET /prod/api/v1/tenants/*` on the stand-in, for a stack that
 * deploys after it. It reads the API id with the same `Fn::GetStackOutput` a weak cross-stack
 * reference renders, written out here so the value is known at construction: cdk-nag's finding for
 * the `tenants/*` wildcard can then be acknowledged by its exact id.
 */
export function tenantLookupArn(tenantManager: TenantManagerStack): string {
  const apiId = Token.asString({ 'Fn::GetStackOutput': { StackName: tenantManager.stackName, Region: tenantManager.region, OutputName: TENANTS_API_ID_OUTPUT } });
  return `arn:${Aws.PARTITION}:execute-api:${tenantManager.region}:${tenantManager.account}:${apiId}/${REST_API_STAGE}/GET/api/v1/tenants/*`;
}

/** Props of {@link TenantManagerStack}. */
export interface TenantManagerStackProps extends StackProps {
  readonly config: InfraConfig;
  /** The stream company snapshots are published to. */
  readonly companiesStream: kinesis.IStream;
  /** The roles the lookup route admits: the processor's. */
  readonly lookupCallerRoleArns: readonly string[];
}

/**
 * The tenant manager stand-in (`-c tenantManager=standin`), so a fresh account can run the whole
 * pipeline: the seed's `GET /api/v1/tenants/{id}` (plus create and update) behind an
 * IAM-authorized REST API, tenants in DynamoDB (the shared generator's data set from the start),
 * snapshots published to `companies` on every write.
 */
export class TenantManagerStack extends Stack {
  readonly function: lambda.IFunction;
  readonly table: dynamodb.TableV2;
  /** `https://<id>.execute-api.<region>.amazonaws.com/prod`, the processor's `tenantManagerEndpoint`. */
  readonly baseUrl: string;
  /** The REST API's id, for `execute-api:Invoke` grants in other stacks (see {@link tenantLookupArn}). */
  readonly restApiId: string;

  constructor(scope: Construct, id: string, props: TenantManagerStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.table = new dynamodb.TableV2(this, 'TenantsTable', {
      tableName: `${config.stackPrefix}-tenants`,
      partitionKey: { name: TENANT_TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy,
    });

    const role = new iam.Role(this, 'FunctionRole', {
      assumedBy: accountServicePrincipal('lambda.amazonaws.com'),
      description: 'Tenant manager stand-in: reads and writes its tenants, publishes snapshots to companies',
    });
    this.table.grant(role, 'dynamodb:GetItem', 'dynamodb:PutItem');
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kinesis:PutRecord'], resources: [props.companiesStream.streamArn] }));

    this.function = createNodeFunction(this, 'Function', {
      description: 'Tenant manager stand-in (seed contract GET /api/v1/tenants/{id})',
      entry: TENANT_MANAGER_ENTRY,
      role,
      memorySize: 256,
      timeout: Duration.seconds(10),
      logRetention: config.logRetentionDays,
      removalPolicy,
      environment: {
        TENANTS_TABLE: this.table.tableName,
        COMPANIES_STREAM: props.companiesStream.streamName,
        TENANT_DATASET_SEED: String(config.tenantStandinSeed),
        TENANT_DATASET_SIZE: String(config.tenantStandinSize),
        POWERTOOLS_SERVICE_NAME: 'tenant-manager',
      },
    });

    const api = new IamRestApi(this, 'tenants', {
      description: 'Tenant manager stand-in (seed contract /api/v1/tenants)',
      // Lookups are the processor's; writes are for operators whose identity policies allow them.
      callers: { principalArns: props.lookupCallerRoleArns, methods: ['GET/api/v1/tenants/*'] },
      rateLimit: 1000,
      burstLimit: 2000,
      logRetention: config.logRetentionDays,
      removalPolicy,
    }).api;
    const integration = new apigateway.LambdaIntegration(this.function, { proxy: true, allowTestInvoke: false });
    const validator = api.addRequestValidator('RequestValidator', { validateRequestBody: true, validateRequestParameters: true });
    const iamAuth = { authorizationType: apigateway.AuthorizationType.IAM };
    const byId = { ...iamAuth, requestValidator: validator, requestParameters: { 'method.request.path.tenantID': true } };
    const tenants = api.root.addResource('api').addResource('v1').addResource('tenants');
    tenants.addMethod('POST', integration, { ...iamAuth, requestValidator: validator });
    const tenant = tenants.addResource('{tenantID}');
    tenant.addMethod('GET', integration, byId);
    tenant.addMethod('PUT', integration, byId);

    this.baseUrl = api.urlForPath('/');
    this.restApiId = api.restApiId;
    new CfnOutput(this, TENANTS_API_ID_OUTPUT, { value: api.restApiId, description: 'Id of the stand-in REST API' });
    new CfnOutput(this, 'TenantManagerUrl', { value: this.baseUrl, description: 'Base URL of the stand-in (tenantManagerEndpoint)' });
    new CfnOutput(this, 'TenantsTableName', { value: this.table.tableName });
  }
}
