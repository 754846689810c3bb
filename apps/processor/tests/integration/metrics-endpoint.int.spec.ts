import { METRIC } from '../../src/core/ports';
import { startMetricsServer, type MetricsServer } from '../../src/observability/metrics-server';
import { PrometheusMetrics } from '../../src/observability/prometheus-metrics';

/** The local runner's `--metrics-port` endpoint over real HTTP on loopback. */
describe('startMetricsServer', () => {
  let server: MetricsServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves the Prometheus text at /metrics and the same snapshot as JSON at /metrics.json, on 127.0.0.1', async () => {
    // Prepare
    const metrics = new PrometheusMetrics();
    metrics.count(METRIC.recordsIn, 12, { stream: 'bigdatajobs' });
    server = await startMetricsServer(metrics, 0);

    // Act
    const text = await fetch(`${server.url}/metrics`);
    const json = await fetch(`${server.url}/metrics.json`);

    // Assess
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toContain('text/plain');
    const body = await text.text();
    expect(body).toContain('# TYPE tenant_analytics_records_in_total counter');
    expect(body).toContain('tenant_analytics_records_in_total{stream="bigdatajobs"} 12');
    expect(body).toContain('process_resident_memory_bytes');
    const series = (await json.json()) as { name: string; values: { value: number; labels: Record<string, string> }[] }[];
    expect(series.find(({ name }) => name === 'tenant_analytics_records_in_total')?.values).toEqual([{ value: 12, labels: { stream: 'bigdatajobs' } }]);
  });

  it('answers 404 for another path and 405 for another method', async () => {
    // Prepare
    server = await startMetricsServer(new PrometheusMetrics({ defaultMetrics: false }), 0);

    // Act
    const missing = await fetch(`${server.url}/other`);
    const post = await fetch(`${server.url}/metrics`, { method: 'POST' });

    // Assess
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('GET /metrics');
    expect(post.status).toBe(405);
  });

  it('fails to start on a port that is taken, naming the error', async () => {
    // Prepare
    server = await startMetricsServer(new PrometheusMetrics({ defaultMetrics: false }), 0);

    // Act / Assess
    await expect(startMetricsServer(new PrometheusMetrics({ defaultMetrics: false }), server.port)).rejects.toThrow(/EADDRINUSE/);
  });
});
