import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { parseInfraConfig } from '../config/infra-config';
import { cdkJsonContext, TEST_ENV } from '../testing/test-app';
import { ABORT_INCOMPLETE_UPLOAD_DAYS, DataStack } from './data-stack';

function dataTemplate(context: Record<string, unknown> = {}): Template {
  const app = new App({ context: cdkJsonContext() });
  return Template.fromStack(new DataStack(app, 'Data', { env: TEST_ENV, config: parseInfraConfig(context) }));
}

describe('DataStack', () => {
  const template = dataTemplate();

  it('creates the three seed streams with 24 h retention, encrypted with the AWS-managed key', () => {
    // act / assess
    template.resourceCountIs('AWS::Kinesis::Stream', 3);
    for (const name of ['bigdatajobs', 'companies', 'enrichedcompanies']) {
      template.hasResourceProperties('AWS::Kinesis::Stream', {
        Name: name,
        RetentionPeriodHours: 24,
        ShardCount: 1,
        StreamModeDetails: { StreamMode: 'PROVISIONED' },
        StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      });
    }
  });

  it('switches the streams to on-demand by parameter', () => {
    // act
    const onDemand = dataTemplate({ streamMode: 'on-demand', jobsStreamName: 'jobs-dev' });

    // assess
    onDemand.hasResourceProperties('AWS::Kinesis::Stream', { Name: 'jobs-dev', StreamModeDetails: { StreamMode: 'ON_DEMAND' }, ShardCount: Match.absent() });
  });

  it('locks the sink bucket down: encryption, no public access, owner-enforced, access logs', () => {
    // act / assess
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: { 'Fn::Join': ['', ['tenantanalytics-sink-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]] },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'sink-bucket/' },
    });
  });

  it('denies every request without TLS on both buckets', () => {
    // act / assess
    const policies = template.findResources('AWS::S3::BucketPolicy', {
      Properties: {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      },
    });
    expect(Object.keys(policies)).toHaveLength(2);
  });

  it('expires dead letters after N days and aborts incomplete multipart uploads after 7 days', () => {
    // act
    const custom = dataTemplate({ deadLetterExpirationDays: 14, deadLetterPrefix: 'dlq' });

    // assess
    custom.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          { Id: 'abort-incomplete-multipart-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS } },
          { Id: 'expire-dead-letters', Status: 'Enabled', Prefix: 'dlq/', ExpirationInDays: 14 },
        ],
      },
    });
    expect(ABORT_INCOMPLETE_UPLOAD_DAYS).toBe(7);
  });

  it('creates the state table on demand with PITR and the TTL attribute', () => {
    // act / assess
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });

  it('retains data on delete by default and destroys it on request', () => {
    // act
    const destroyable = dataTemplate({ removalPolicy: 'destroy' });

    // assess
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
    destroyable.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
  });
});
