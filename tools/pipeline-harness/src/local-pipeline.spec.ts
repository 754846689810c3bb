import { ListObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { defaultLocalEndpoints } from '@tenant-analytics/local-stack';
import { mockClient } from 'aws-sdk-client-mock';
import { eventually, LocalPipelineProbe } from './local-pipeline';

describe('eventually', () => {
  it('resolves with the first defined value', async () => {
    let calls = 0;
    const value = await eventually(async () => (++calls === 3 ? 'ready' : undefined), 5_000);
    expect(value).toBe('ready');
    expect(calls).toBe(3);
  });

  it('fails after the timeout naming what it waited for', async () => {
    await expect(eventually(async () => undefined, 300, 'the moon')).rejects.toThrow(/timed out after 300 ms waiting for the moon/);
  });
});

describe('LocalPipelineProbe', () => {
  const endpoints = defaultLocalEndpoints();

  it('lists the S3 sink by marker (ListObjects v1), never with ListObjectsV2 tokens', async () => {
    // Prepare
    const probe = new LocalPipelineProbe(endpoints);
    const stub = mockClient(probe.s3);
    stub.on(ListObjectsCommand).resolves({ Contents: [], IsTruncated: false });
    stub.on(ListObjectsV2Command).rejects(new Error('ListObjectsV2 fails beyond 1,000 keys on s3rver'));

    // Act
    const [enriched, deadLetters] = await Promise.all([probe.enrichedInS3(), probe.deadLetters()]);
    probe.destroy();

    // Assess
    expect([enriched, deadLetters]).toEqual([[], []]);
    expect(stub.commandCalls(ListObjectsCommand).map((call) => call.args[0].input.Prefix).sort()).toEqual(['churn/data/', 'dead-letters/']);
  });
});
