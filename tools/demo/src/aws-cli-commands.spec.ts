import { awsCliCommands, awsCliEnvironment } from './aws-cli-commands';
import { demoResultFactory } from './testing/demo-result-factory';

describe('awsCliCommands', () => {
  it('gives exact commands for the S3 sink, an object, the dead letters, the stream and a company state', () => {
    // Prepare
    const { endpoints, outputs } = demoResultFactory();

    // Act
    const commands = awsCliCommands(endpoints, outputs).map(({ command }) => command);

    // Assess
    expect(commands).toEqual([
      'aws --endpoint-url http://127.0.0.1:4569 s3 ls s3://tenant-analytics/churn/data/ --recursive',
      `aws --endpoint-url http://127.0.0.1:4569 s3 cp s3://tenant-analytics/${outputs.sampleKey} - | gunzip | head -n 3`,
      'aws --endpoint-url http://127.0.0.1:4569 s3 ls s3://tenant-analytics/dead-letters/ --recursive',
      'aws --endpoint-url http://127.0.0.1:4567 kinesis describe-stream-summary --stream-name enrichedcompanies',
      `aws --endpoint-url http://127.0.0.1:4568 dynamodb get-item --table-name company-state --key '{"pk":{"S":"company#comp_3"},"sk":{"S":"state"}}'`,
    ]);
  });

  it('leaves out the examples it has no sample for', () => {
    // Prepare
    const { endpoints, outputs } = demoResultFactory();

    // Act
    const commands = awsCliCommands(endpoints, { ...outputs, sampleKey: undefined, sampleCompanyID: undefined });

    // Assess
    expect(commands.map(({ what }) => what)).toEqual(['enriched objects (JSON Lines, gzip)', 'dead letters (one JSON object each)', 'the enriched stream']);
  });
});

describe('awsCliEnvironment', () => {
  it('exports the local credentials and region', () => {
    expect(awsCliEnvironment(demoResultFactory().endpoints)).toBe('export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-west-2');
  });

  it('leaves the keys to the default chain when the endpoints say so', () => {
    expect(awsCliEnvironment({ ...demoResultFactory().endpoints, awsCredentials: 'default-chain' })).toBe('export AWS_DEFAULT_REGION=us-west-2');
  });
});
