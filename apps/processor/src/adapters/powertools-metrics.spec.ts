import { Metrics } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { PowertoolsMetricsAdapter } from './powertools-metrics';

/** The parts of an EMF document the tests read. */
const emfSchema = z.looseObject({
  _aws: z.object({
    CloudWatchMetrics: z.array(z.object({ Namespace: z.string(), Dimensions: z.array(z.array(z.string())), Metrics: z.array(z.object({ Name: z.string(), Unit: z.string() })) })),
  }),
});

/** Powertools writes EMF documents to stdout: capture them, decoded. */
function captureEmf() {
  const lines: string[] = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter((line) => line.length > 0));
    return true;
  });
  return () => lines.map((line) => emfSchema.parse(JSON.parse(line)));
}

function adapterFactory() {
  const powertools = new Metrics({ namespace: 'TenantAnalytics', serviceName: 'processor' });
  return { powertools, metrics: new PowertoolsMetricsAdapter(powertools) };
}

describe('PowertoolsMetricsAdapter', () => {
  it('buffers undimensioned metrics until they are published, then writes one EMF document', () => {
    // Prepare
    const documents = captureEmf();
    const { powertools, metrics } = adapterFactory();

    // Act
    metrics.count('RecordsIn', 2);
    metrics.count('RecordsIn');
    metrics.observe('ScoringBatchSize', 25);
    const beforePublish = documents().length;
    powertools.publishStoredMetrics();

    // Assess
    expect(beforePublish).toBe(0);
    const [document, ...rest] = documents();
    expect(rest).toEqual([]);
    expect(document?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'TenantAnalytics',
        Dimensions: [['service']],
        Metrics: [
          { Name: 'RecordsIn', Unit: 'Count' },
          { Name: 'ScoringBatchSize', Unit: 'Count' },
        ],
      },
    ]);
    expect(document).toMatchObject({ service: 'processor', RecordsIn: [2, 1], ScoringBatchSize: 25 });
  });

  it('gives latency and lag metrics the Milliseconds unit', () => {
    // Prepare
    const documents = captureEmf();
    const { powertools, metrics } = adapterFactory();

    // Act
    metrics.observe('ScoringLatencyMs', 12.5);
    metrics.observe('MillisBehindLatest', 900);
    metrics.observe('BatchDurationMs', 40);
    powertools.publishStoredMetrics();

    // Assess
    expect(documents()[0]?._aws.CloudWatchMetrics[0]?.Metrics).toEqual([
      { Name: 'ScoringLatencyMs', Unit: 'Milliseconds' },
      { Name: 'MillisBehindLatest', Unit: 'Milliseconds' },
      { Name: 'BatchDurationMs', Unit: 'Milliseconds' },
    ]);
  });

  it('writes a dimensioned metric at once as its own document, outside the buffered ones', () => {
    // Prepare
    const documents = captureEmf();
    const { powertools, metrics } = adapterFactory();

    // Act
    metrics.count('Enriched', 3);
    metrics.count('DeadLetters', 1, { reason: 'score-failed' });
    const immediately = documents();
    powertools.publishStoredMetrics();

    // Assess
    expect(immediately).toHaveLength(1);
    expect(immediately[0]?._aws.CloudWatchMetrics[0]).toEqual({ Namespace: 'TenantAnalytics', Dimensions: [['service', 'reason']], Metrics: [{ Name: 'DeadLetters', Unit: 'Count' }] });
    expect(immediately[0]).toMatchObject({ service: 'processor', reason: 'score-failed', DeadLetters: 1 });
    const published = documents()[1];
    expect(published?._aws.CloudWatchMetrics[0]?.Metrics).toEqual([{ Name: 'Enriched', Unit: 'Count' }]);
    expect(published).not.toHaveProperty('DeadLetters');
  });
});
