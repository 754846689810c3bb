import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readInfraConfig } from './config/infra-config';
import { addTenantAnalyticsStacks } from './tenant-analytics-app';

// The CDK app (`cdk synth|diff|deploy`, see cdk.json): context parameters → stacks, checked by
// cdk-nag's AWS Solutions rules during synthesis.
const app = new App();
addTenantAnalyticsStacks(app, readInfraConfig(app.node), {
  env: { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['CDK_DEFAULT_REGION'] },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
