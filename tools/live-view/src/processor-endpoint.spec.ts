import { processorMetricsBaseUrl } from './processor-endpoint';

describe('processorMetricsBaseUrl', () => {
  it('finds the last metrics endpoint the runner logged', () => {
    // Prepare
    const output = [
      'not json',
      '{"level":30,"msg":"metrics endpoint listening","url":"http://127.0.0.1:4100/metrics","json":"http://127.0.0.1:4100/metrics.json"}',
      '{"level":30,"msg":"processor running"}',
      '{"level":30,"msg":"metrics endpoint listening","url":"http://127.0.0.1:4200/metrics"}',
    ].join('\n');

    // Act / Assess
    expect(processorMetricsBaseUrl(output)).toBe('http://127.0.0.1:4200');
  });

  it('is undefined when the runner serves no metrics, or logs another host', () => {
    expect(processorMetricsBaseUrl('{"msg":"processor running"}')).toBeUndefined();
    expect(processorMetricsBaseUrl('{"msg":"metrics endpoint listening","url":"http://0.0.0.0:1/metrics"}')).toBeUndefined();
  });
});
