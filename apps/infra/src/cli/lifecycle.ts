import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { SSMClient } from '@aws-sdk/client-ssm';
import { BootstrapMissingError, checkBootstrap } from './bootstrap-check';

/**
 * `npx nx deploy|diff|destroy infra [-- <cdk options>]`: the CDK CLI with this app's defaults.
 * - `deploy`: checks the CDK bootstrap first (a clear message and exit 1 when it is missing), then
 *   `cdk deploy --all --import-existing-resources`, so a redeploy after `destroy` adopts the
 *   resources that were retained on purpose (bucket, tables, streams) instead of failing with
 *   "already exists";
 * - `diff`: `cdk diff --all`;
 * - `destroy`: `cdk destroy --all`; what stays behind is listed in the README ("Clean up").
 */
const APP_DIR = path.resolve(__dirname, '../..');
const [command, ...cdkArgs] = process.argv.slice(2);

function cdk(args: readonly string[]): number {
  const result = spawnSync('npx', ['cdk', ...args, '--no-notices', ...cdkArgs], { cwd: APP_DIR, stdio: 'inherit' });
  return result.status ?? 1;
}

async function main(): Promise<number> {
  switch (command) {
    case 'deploy': {
      const ssm = new SSMClient({});
      const region = await ssm.config.region().catch(() => undefined);
      if (region === undefined) {
        console.error('No AWS region: set AWS_REGION or a profile with a region (AWS_PROFILE), then run again.');
        return 1;
      }
      try {
        const version = await checkBootstrap(ssm, region);
        console.log(`CDK bootstrap version ${version} found in ${region}.`);
      } catch (error) {
        if (error instanceof BootstrapMissingError) {
          console.error(error.message);
          return 1;
        }
        console.error(`Could not check the CDK bootstrap in ${region}: ${(error as Error).message}\n(credentials: AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; the check reads one SSM parameter)`);
        return 1;
      }
      return cdk(['deploy', '--all', '--import-existing-resources']);
    }
    case 'diff':
      return cdk(['diff', '--all']);
    case 'destroy':
      return cdk(['destroy', '--all']);
    default:
      console.error('usage: lifecycle.ts deploy|diff|destroy [cdk options]');
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
