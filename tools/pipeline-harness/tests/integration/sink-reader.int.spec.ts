import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { LOCAL_SINK_PREFIXES, startLocalStack, type LocalStack } from '@tenant-analytics/local-stack';
import { LocalPipelineProbe } from '../../src';
import { enrichedRecordFactory } from '../../src/testing/run-fixtures';

/**
 * The S3 reader against s3rver while an object is written again in place, as a processor does when
 * it finishes a pending batch a second time after a crash: s3rver truncates and rewrites the file,
 * so a read racing it is cut short or truncated, and the reader must read it again, not fail.
 */
describe('readEnrichedInS3 on s3rver', () => {
  let stack: LocalStack;
  let probe: LocalPipelineProbe;

  beforeAll(async () => {
    stack = await startLocalStack({ kinesisBackend: 'kinesalite', ports: { kinesis: 0, s3: 0, dynamodb: 0 }, endpointsFile: false });
    probe = new LocalPipelineProbe(stack.endpoints);
  });

  afterAll(async () => {
    probe?.destroy();
    await stack?.stop();
  });

  it('reads every record of an object that is being rewritten, on every read', async () => {
    // Prepare: one object of 2,000 enriched records (about 12 KB gzipped), and a second one left alone
    const object = (tag: string, count: number) => gzipSync(Array.from({ length: count }, (_, n) => `${JSON.stringify(enrichedRecordFactory({ eventID: `${tag}-${n}` }))}\n`).join(''));
    const put = (key: string, body: Buffer) => probe.s3.send(new PutObjectCommand({ Bucket: stack.endpoints.bucket, Key: `${LOCAL_SINK_PREFIXES.enriched}/${key}`, Body: body }));
    const rewritten = object('rewritten', 2_000);
    await put('dt=2026-11-20/hour=10/rewritten.jsonl.gz', rewritten);
    await put('dt=2026-11-20/hour=10/still.jsonl.gz', object('still', 10));

    // Act: rewrite the first object back to back while reading the sink 20 times
    let rewriting = true;
    let rewrites = 0;
    const rewriter = (async () => {
      while (rewriting) {
        await put('dt=2026-11-20/hour=10/rewritten.jsonl.gz', rewritten);
        rewrites += 1;
      }
    })();
    const counts: number[] = [];
    try {
      for (let read = 0; read < 20; read++) counts.push((await probe.enrichedInS3()).length);
    } finally {
      rewriting = false;
      await rewriter;
    }

    // Assess: every read saw both objects whole, and the object was rewritten meanwhile
    expect(counts).toEqual(Array.from({ length: 20 }, () => 2_010));
    expect(rewrites).toBeGreaterThan(20);
  });
});
