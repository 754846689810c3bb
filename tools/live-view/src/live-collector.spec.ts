import { ListShardsCommand } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, ListObjectsCommand, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { defaultLocalEndpoints } from '@tenant-analytics/local-stack';
import { LocalPipelineProbe } from '@tenant-analytics/pipeline-harness';
import { mockClient } from 'aws-sdk-client-mock';
import { LiveCollector } from './live-collector';

const body = (text: string) => ({ Body: { transformToString: async () => text } }) as unknown as GetObjectCommandOutput;

describe('LiveCollector dead letters', () => {
  it('reads a dead letter again when its object was read before it was whole, reads the keys after it meanwhile, and counts each once', async () => {
    // Prepare: a probe whose stream has no shard and whose dead-letter location holds two objects;
    // the first is read once while s3rver was still writing it (half its JSON), then whole
    const probe = new LocalPipelineProbe(defaultLocalEndpoints());
    mockClient(probe.kinesis).on(ListShardsCommand).resolves({ Shards: [] });
    const s3 = mockClient(probe.s3);
    const letter = (reason: string, data: string) => ({ reason, message: 'm', stage: 'decode', attempts: 1, firstFailureAt: '2026-11-20T10:00:00.000Z', record: { data: Buffer.from(data).toString('base64'), partitionKey: 'p', sequenceNumber: '1', shardId: 's', stream: 'bigdatajobs', arrivalTime: '2026-11-20T10:00:00.000Z' } });
    const partial = JSON.stringify(letter('malformed-json', '{"companyID":'));
    s3.on(ListObjectsCommand).resolves({ Contents: [{ Key: 'dead-letters/a.json' }, { Key: 'dead-letters/b.json' }], IsTruncated: false });
    s3.on(GetObjectCommand, { Key: 'dead-letters/a.json' }).resolvesOnce(body(partial.slice(0, 40))).resolves(body(partial));
    s3.on(GetObjectCommand, { Key: 'dead-letters/b.json' }).resolves(body(JSON.stringify(letter('bad-type', 'x'))));

    // Act: the first listing reads a.json half-written and b.json; a refresh reads a.json again; a third reads nothing
    const collector = await LiveCollector.start({ probe, intervalMs: 60_000 });
    const first = collector.model().deadLetters;
    await collector.refresh();
    await collector.refresh();
    await collector.stop();
    probe.destroy();

    // Assess
    expect(first).toMatchObject([{ reason: 'bad-type', count: 1 }]);
    expect(collector.model().deadLetters).toMatchObject([
      { reason: 'bad-type', count: 1 },
      { reason: 'malformed-json', count: 1, stage: 'decode', sampleRecord: '{"companyID":', sampleKey: 'dead-letters/a.json' },
    ]);
    expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Key)).toEqual(['dead-letters/a.json', 'dead-letters/b.json', 'dead-letters/a.json']);
  });
});
