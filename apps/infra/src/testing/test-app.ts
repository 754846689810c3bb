import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { z } from 'zod';
import { parseInfraConfig } from '../config/infra-config';
import { addTenantAnalyticsStacks, type TenantAnalyticsStacks } from '../tenant-analytics-app';

/** A user's own SageMaker model, as `-c churnModelHosting=sagemaker` needs it. */
export const SAGEMAKER_MODEL = {
  churnModelDataUrl: 's3://models-123456789012/churn/model.tar.gz',
  churnModelImage: '174872318107.dkr.ecr.us-west-2.amazonaws.com/linear-learner:1',
} as const;

/** The account and region of test stacks, so ARNs in assertions read like real ones. */
export const TEST_ENV = { account: '123456789012', region: 'us-west-2' } as const;

const cdkJsonSchema = z.object({ context: z.record(z.string(), z.unknown()) });

/** The feature flags and settings of `cdk.json`: tests synthesize with what `cdk synth` uses. */
export function cdkJsonContext(): Record<string, unknown> {
  return cdkJsonSchema.parse(JSON.parse(readFileSync(path.join(__dirname, '../../cdk.json'), 'utf8'))).context;
}

/** Options of {@link synthTestStacks}. */
export interface TestAppOptions {
  /** Bundle the processor with esbuild for real; off by default to keep unit tests fast. */
  readonly bundle?: boolean;
}

/** The stacks of a test deployment and their templates. */
export interface TestStacks extends TenantAnalyticsStacks {
  readonly app: App;
  readonly dataTemplate: Template;
  readonly processorTemplate: Template;
  /** Absent when the context names an existing churn API or endpoint. */
  readonly churnApiTemplate?: Template;
  /** Only with `tenantManager=standin`. */
  readonly tenantManagerTemplate?: Template;
}

/** Synthesizes the whole app with `cdk.json`'s flags plus `context` (context parameters as the CLI passes them). */
export function synthTestStacks(context: Record<string, unknown> = {}, options: TestAppOptions = {}): TestStacks {
  const app = new App({
    context: { ...cdkJsonContext(), ...(options.bundle === true ? {} : { 'aws:cdk:bundling-stacks': [] }), ...context },
  });
  const stacks = addTenantAnalyticsStacks(app, parseInfraConfig(context), { env: TEST_ENV });
  return {
    ...stacks,
    app,
    dataTemplate: Template.fromStack(stacks.data),
    processorTemplate: Template.fromStack(stacks.processor),
    churnApiTemplate: stacks.churnApi === undefined ? undefined : Template.fromStack(stacks.churnApi),
    tenantManagerTemplate: stacks.tenantManager === undefined ? undefined : Template.fromStack(stacks.tenantManager),
  };
}

/** IAM policy statement as it appears in a template. */
export interface TemplateStatement {
  readonly Effect: string;
  readonly Action: string | readonly string[];
  readonly Resource?: unknown;
}

const statementSchema = z.looseObject({ Effect: z.string(), Action: z.union([z.string(), z.array(z.string())]), Resource: z.unknown().optional() });
const documentSchema = z.looseObject({ Statement: z.array(statementSchema) });
const resourcesSchema = z.record(
  z.string(),
  z.looseObject({
    Type: z.string(),
    Properties: z
      .looseObject({
        PolicyDocument: documentSchema.optional(),
        AssumeRolePolicyDocument: documentSchema.optional(),
        Policies: z.array(z.looseObject({ PolicyDocument: documentSchema })).optional(),
      })
      .optional(),
  }),
);

/** Resource types whose policies {@link policyStatements} reads. */
export const POLICY_RESOURCE_TYPES = ['AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::S3::BucketPolicy', 'AWS::SQS::QueuePolicy', 'AWS::SNS::TopicPolicy'] as const;

/**
 * Every policy statement of a template's resources of `types`: identity policies, role trust and
 * inline policies, and the resource policies of buckets, queues and topics.
 */
export function policyStatements(template: Template, types: readonly string[] = POLICY_RESOURCE_TYPES): TemplateStatement[] {
  const resources = Object.values(resourcesSchema.parse(template.toJSON()['Resources'])).filter((resource) => types.includes(resource.Type));
  return resources.flatMap(({ Properties: properties }) => [
    ...(properties?.PolicyDocument?.Statement ?? []),
    ...(properties?.AssumeRolePolicyDocument?.Statement ?? []),
    ...(properties?.Policies ?? []).flatMap((policy) => policy.PolicyDocument.Statement),
  ]);
}

/** The actions of a statement as a list. */
export function actionsOf(statement: TemplateStatement): readonly string[] {
  return typeof statement.Action === 'string' ? [statement.Action] : statement.Action;
}
