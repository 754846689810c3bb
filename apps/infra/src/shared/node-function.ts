import { CfnResource, type Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { LOCK_FILE, REPOSITORY_ROOT } from '../paths';

/** The esbuild export condition under which workspace libraries resolve to their TypeScript source. */
export const SOURCE_CONDITION = '@tenant-analytics/source';

/** Props of {@link createNodeFunction}. */
export interface NodeFunctionProps {
  readonly description: string;
  readonly entry: string;
  readonly role: iam.IRole;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly environment?: Record<string, string>;
  readonly reservedConcurrentExecutions?: number;
  /** Files copied next to the bundle (`[source path, file name]`), e.g. a model artifact. */
  readonly assets?: readonly (readonly [string, string])[];
}

/**
 * A Lambda function bundled from this repository's TypeScript with the local esbuild (no Docker):
 * Node.js 24 on arm64, minified with source maps, the AWS SDK v3 clients the lockfile pins, JSON
 * logs to its own log group.
 */
export function createNodeFunction(scope: Construct, id: string, props: NodeFunctionProps): nodejs.NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: props.logRetention, removalPolicy: props.removalPolicy });
  logGroup.grantWrite(props.role);
  const assets = props.assets ?? [];
  const fn = new nodejs.NodejsFunction(scope, id, {
    description: props.description,
    entry: props.entry,
    handler: 'handler',
    projectRoot: REPOSITORY_ROOT,
    depsLockFilePath: LOCK_FILE,
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    role: props.role,
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
    bundling: {
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      format: nodejs.OutputFormat.CJS,
      // Ship the SDK v3 clients the lockfile pins instead of whatever the runtime carries.
      bundleAwsSDK: true,
      esbuildArgs: { '--conditions': SOURCE_CONDITION },
      ...(assets.length === 0
        ? {}
        : {
            commandHooks: {
              beforeBundling: () => [],
              beforeInstall: () => [],
              afterBundling: (_inputDir: string, outputDir: string) => assets.map(([source, name]) => `cp "${source}" "${outputDir}/${name}"`),
            },
          }),
    },
  });
  keepOnlyPolicyDependency(fn, props.role);
  return fn;
}

/**
 * Lambda's construct depends on the whole role (the role and its default policy), which renders a
 * `DependsOn` on the role that its `GetAtt` already implies (cfn-lint W3005). The policy dependency
 * is the one that matters: the function must not start before it may write its logs.
 */
function keepOnlyPolicyDependency(fn: nodejs.NodejsFunction, role: iam.IRole): void {
  const policy = role instanceof iam.Role ? role.node.tryFindChild('DefaultPolicy')?.node.defaultChild : undefined;
  const cfnFunction = fn.node.defaultChild;
  if (policy instanceof CfnResource && cfnFunction instanceof CfnResource) {
    cfnFunction.addOverride('DependsOn', [Stack.of(fn).getLogicalId(policy)]);
  }
}
