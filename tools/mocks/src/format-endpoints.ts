import { awsCredentialsOf, EXTERNAL_KINESIS, type LocalEndpoints, type ResolvedBackend } from '@tenant-analytics/local-stack';

/**
 * What `serve mocks` prints once the stack is up: each endpoint, where the endpoints file is, and
 * AWS CLI commands that work as typed (credentials, unless from the default chain, and region inline).
 * `providedFrom`: the `--endpoints` file the AWS endpoints came from.
 */
export function formatEndpoints(endpoints: LocalEndpoints, endpointsFile: string | false, backend: ResolvedBackend = 'processes', liveView?: string, providedFrom?: string): string {
  const { credentials, region } = endpoints;
  const keys = awsCredentialsOf(endpoints);
  const aws = `${keys === undefined ? '' : `AWS_ACCESS_KEY_ID=${keys.accessKeyId} AWS_SECRET_ACCESS_KEY=${keys.secretAccessKey} `}aws --region ${region}`;
  const headline =
    endpoints.kinesisBackend === EXTERNAL_KINESIS
      ? `Local stack ready on the endpoints of ${providedFrom ?? 'an endpoints file'} (no emulator started; services as child processes; region ${region})`
      : `Local stack ready (${backend === 'containers' ? 'containers' : 'child processes'}; Kinesis: ${endpoints.kinesisBackend}, region ${region})`;
  const lines = [
    headline,
    `  Kinesis         ${endpoints.kinesis}  streams ${endpoints.streams.jobs}, ${endpoints.streams.companies}, ${endpoints.streams.enriched}`,
    `  S3              ${endpoints.s3}  bucket ${endpoints.bucket}`,
    `  DynamoDB        ${endpoints.dynamodb}  table ${endpoints.stateTable}`,
  ];
  if (endpoints.tenantManager !== undefined) lines.push(`  Tenant manager  ${endpoints.tenantManager}`);
  if (endpoints.churnApi !== undefined) {
    lines.push(`  Churn API       ${endpoints.churnApi}  SageMaker endpoint ${endpoints.churnEndpointName ?? '-'}`);
  }
  lines.push(
    keys === undefined
      ? `Credentials: the AWS SDK's default chain (churn mock keys: ${credentials.accessKeyId}, local test values)`
      : `Credentials: access key ${credentials.accessKeyId}, secret ${credentials.secretAccessKey} (local test values)`,
    endpointsFile === false ? 'Endpoints file: not written' : `Endpoints file: ${endpointsFile}`,
    'Try:',
    `  ${aws} --endpoint-url ${endpoints.kinesis} kinesis list-streams`,
    `  ${aws} --endpoint-url ${endpoints.s3} s3 ls s3://${endpoints.bucket}`,
    `  ${aws} --endpoint-url ${endpoints.dynamodb} dynamodb list-tables`,
  );
  if (liveView !== undefined) lines.push(liveView);
  lines.push('Press Ctrl-C to stop.');
  return lines.join('\n');
}
