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

  it('creates the three seed streams with 24 h retention, encrypted with the AWS-managed key, sized for 1,000 events/s', () => {
    // act / assess
    template.resourceCountIs('AWS::Kinesis::Stream', 3);
    for (const [name, shards] of [
      ['bigdatajobs', 2],
      ['companies', 1],
      ['enrichedcompanies', 2],
    ] as const) {
      template.hasResourceProperties('AWS::Kinesis::Stream', {
        Name: name,
        RetentionPeriodHours: 24,
        ShardCount: shards,
        StreamModeDetails: { StreamMode: 'PROVISIONED' },
        StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      });
    }
  });

  it('derives each stream\'s shards from the expected rate, and takes explicit counts per stream', () => {
    // act
    const busy = dataTemplate({ expectedEventsPerSecond: 5000, expectedEventBytes: 300 });
    const explicit = dataTemplate({ jobsShardCount: 7, companiesShardCount: 3 });

    // assess
    busy.hasResourceProperties('AWS::Kinesis::Stream', { Name: 'bigdatajobs', ShardCount: 10 });
    busy.hasResourceProperties('AWS::Kinesis::Stream', { Name: 'enrichedcompanies', ShardCount: 10 });
    busy.hasResourceProperties('AWS::Kinesis::Stream', { Name: 'companies', ShardCount: 1 });
    explicit.hasResourceProperties('AWS::Kinesis::Stream', { Name: 'bigdatajobs', ShardCount: 7 });
    explicit.hasResourceProperties('AWS::Kinesis::Stream', { Name: 'companies', ShardCount: 3 });
    explicit.hasResourceProperties('AWS::Kinesis::Stream', { Name: 'enrichedcompanies', ShardCount: 2 });
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
      BucketName: 'tenantanalytics-sink-123456789012-us-west-2',
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

  it('expires dead letters after N days, enriched objects after a year, and aborts incomplete multipart uploads after 7 days', () => {
    // act
    const custom = dataTemplate({ deadLetterExpirationDays: 14, deadLetterPrefix: 'dlq' });

    // assess
    custom.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          { Id: 'abort-incomplete-multipart-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS } },
          { Id: 'expire-dead-letters', Status: 'Enabled', Prefix: 'dlq/', ExpirationInDays: 14 },
          { Id: 'enriched-lifecycle', Status: 'Enabled', Prefix: 'enriched/', ExpirationInDays: 365 },
        ],
      },
    });
    expect(ABORT_INCOMPLETE_UPLOAD_DAYS).toBe(7);
  });

  it('moves enriched objects to another storage class or keeps them forever, as configured', () => {
    // act
    const tiered = dataTemplate({ enrichedTransitionDays: 30, enrichedTransitionStorageClass: 'STANDARD_IA', enrichedExpirationDays: 'never' });
    const kept = dataTemplate({ enrichedExpirationDays: 'never' });

    // assess
    tiered.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([{ Id: 'enriched-lifecycle', Status: 'Enabled', Prefix: 'enriched/', Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }] }]),
      },
    });
    expect(JSON.stringify(kept.findResources('AWS::S3::Bucket'))).not.toContain('enriched-lifecycle');
  });

  it('creates the named state table on demand with PITR, the TTL attribute and warm throughput for the expected rate', () => {
    // act / assess
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'TenantAnalytics-state',
      WarmThroughput: { WriteUnitsPerSecond: 6000, ReadUnitsPerSecond: 12000 },
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });

  it('leaves warm throughput unset when a new table absorbs the expected rate anyway', () => {
    // act
    const quiet = dataTemplate({ expectedEventsPerSecond: 100 });

    // assess
    quiet.hasResourceProperties('AWS::DynamoDB::GlobalTable', { BillingMode: 'PAY_PER_REQUEST', WarmThroughput: Match.absent() });
  });

  it('switches the state table to provisioned capacity with target-tracking auto scaling', () => {
    // act
    const provisioned = dataTemplate({ stateTableBilling: 'provisioned' });

    // assess
    provisioned.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PROVISIONED',
      WriteProvisionedThroughputSettings: {
        WriteCapacityAutoScalingSettings: { MinCapacity: 5, MaxCapacity: 12000, TargetTrackingScalingPolicyConfiguration: { TargetValue: 70 } },
      },
      Replicas: [
        Match.objectLike({
          ReadProvisionedThroughputSettings: {
            ReadCapacityAutoScalingSettings: { MinCapacity: 5, MaxCapacity: 8000, TargetTrackingScalingPolicyConfiguration: { TargetValue: 70 } },
          },
        }),
      ],
    });
  });

  it('retains data on delete by default and destroys it on request', () => {
    // act
    const destroyable = dataTemplate({ removalPolicy: 'destroy' });

    // assess
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
    template.hasResource('AWS::Kinesis::Stream', { DeletionPolicy: 'Retain' });
    destroyable.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
    destroyable.hasResource('AWS::Kinesis::Stream', { DeletionPolicy: 'Delete' });
    destroyable.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
  });

  it('gives every retained resource a literal name, so a redeploy can adopt it (--import-existing-resources)', () => {
    // act
    const retained = Object.values(template.toJSON()['Resources'] as Record<string, { Type: string; DeletionPolicy?: string; Properties?: Record<string, unknown> }>).filter(
      (resource) => resource.DeletionPolicy === 'Retain' && resource.Type !== 'AWS::Logs::LogGroup',
    );
    const nameOf = (resource: (typeof retained)[number]) => resource.Properties?.['BucketName'] ?? resource.Properties?.['TableName'] ?? resource.Properties?.['Name'];

    // assess
    expect(retained.map((resource) => resource.Type).sort()).toEqual(['AWS::DynamoDB::GlobalTable', 'AWS::Kinesis::Stream', 'AWS::Kinesis::Stream', 'AWS::Kinesis::Stream', 'AWS::S3::Bucket', 'AWS::S3::Bucket']);
    for (const resource of retained) {
      expect(typeof nameOf(resource)).toBe('string');
    }
  });
});
