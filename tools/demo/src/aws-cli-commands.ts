import { companyStateKey } from '@tenant-analytics/domain';
import { awsCredentialsOf, type LocalEndpoints } from '@tenant-analytics/local-stack';
import type { DemoOutputs } from './demo-result';

/** One AWS CLI command and what it shows. */
export interface CliCommand {
  readonly what: string;
  readonly command: string;
}

/**
 * The environment the AWS CLI needs for the local stack (local test credentials, not secrets; only
 * the region when the stack's AWS clients use the default credential chain).
 */
export function awsCliEnvironment(endpoints: Pick<LocalEndpoints, 'credentials' | 'awsCredentials' | 'region'>): string {
  const keys = awsCredentialsOf(endpoints);
  return `export ${keys === undefined ? '' : `AWS_ACCESS_KEY_ID=${keys.accessKeyId} AWS_SECRET_ACCESS_KEY=${keys.secretAccessKey} `}AWS_DEFAULT_REGION=${endpoints.region}`;
}

/**
 * Exact AWS CLI commands (v1 or v2) that inspect a run's outputs on the local stack: the S3 sink,
 * one enriched object, the dead letters, the enriched stream and one company's state item.
 */
export function awsCliCommands(endpoints: LocalEndpoints, outputs: DemoOutputs): CliCommand[] {
  const s3 = `aws --endpoint-url ${endpoints.s3} s3`;
  const commands: CliCommand[] = [{ what: 'enriched objects (JSON Lines, gzip)', command: `${s3} ls ${outputs.enrichedUri} --recursive` }];
  if (outputs.sampleKey !== undefined) {
    commands.push({ what: 'the first records of one object', command: `${s3} cp s3://${endpoints.bucket}/${outputs.sampleKey} - | gunzip | head -n 3` });
  }
  commands.push(
    { what: 'dead letters (one JSON object each)', command: `${s3} ls ${outputs.deadLettersUri} --recursive` },
    {
      what: 'the enriched stream',
      command: `aws --endpoint-url ${endpoints.kinesis} kinesis describe-stream-summary --stream-name ${endpoints.streams.enriched}`,
    },
  );
  if (outputs.sampleCompanyID !== undefined) {
    const { pk, sk } = companyStateKey(outputs.sampleCompanyID);
    const key = JSON.stringify({ pk: { S: pk }, sk: { S: sk } });
    commands.push({
      what: `the state of ${outputs.sampleCompanyID}`,
      command: `aws --endpoint-url ${endpoints.dynamodb} dynamodb get-item --table-name ${endpoints.stateTable} --key '${key}'`,
    });
  }
  return commands;
}
