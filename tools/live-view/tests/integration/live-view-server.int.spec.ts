import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { METRIC, PrometheusMetrics } from '@tenant-analytics/processor';
import { LiveCollector, startLiveViewServer, type LiveModel, type LiveViewServer } from '../../src';

/** A processor metrics endpoint as the local runner serves it (`/metrics.json` of a prom-client registry). */
async function processorEndpoint(metrics: PrometheusMetrics): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    if (request.url !== '/metrics.json') return void response.writeHead(404).end();
    void metrics.json().then((json) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(json)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('the live view server', () => {
  const closers: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function start(processorMetricsUrl?: string): Promise<{ collector: LiveCollector; server: LiveViewServer }> {
    const collector = await LiveCollector.start({ intervalMs: 100, ...(processorMetricsUrl === undefined ? {} : { processorMetricsUrl }) });
    closers.push(() => collector.stop());
    const server = await startLiveViewServer(collector, { port: 0 });
    closers.push(() => server.close());
    return { collector, server };
  }

  it('serves the page, its script and the state, reading the processor\'s metrics', async () => {
    // Prepare
    const metrics = new PrometheusMetrics();
    metrics.count(METRIC.recordsIn, 42, { stream: 'bigdatajobs' });
    const endpoint = await processorEndpoint(metrics);
    closers.push(endpoint.close);
    const { collector, server } = await start(endpoint.url);
    metrics.count(METRIC.recordsIn, 8, { stream: 'bigdatajobs' });
    await collector.refresh();

    // Act
    const page = await fetch(server.url);
    const script = await fetch(new URL('app.js', server.url));
    const state = (await (await fetch(new URL('state.json', server.url))).json()) as LiveModel;

    // Assess
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<script src="app.js"></script>');
    expect(html).toContain('without authentication');
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(await script.text()).toContain('TenantAnalyticsView');
    expect(state.processorError).toBeUndefined();
    expect(state.processorMetricsUrl).toBe(`${endpoint.url}/metrics`);
    expect(state.samples.at(-1)?.recordsIn).toEqual({ bigdatajobs: 50 });
    expect(state.churnRisk).toEqual({ threshold: 0.5, companies: 0, flagged: 0, top: [] });
    expect((await fetch(new URL('other', server.url))).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
  });

  it('says why when the processor does not answer, and keeps serving', async () => {
    // Prepare: a port nothing listens on any more.
    const endpoint = await processorEndpoint(new PrometheusMetrics({ defaultMetrics: false }));
    await endpoint.close();
    const { server } = await start(endpoint.url);

    // Act
    const state = (await (await fetch(new URL('state.json', server.url))).json()) as LiveModel;

    // Assess
    expect(state.processorError).toMatch(new RegExp(`^cannot read ${endpoint.url}/metrics\\.json: `));
    expect(state.samples).toEqual([]);
  });

  it('says the processor serves no metrics when no endpoint is given', async () => {
    // Act
    const { server } = await start();
    const state = (await (await fetch(new URL('state.json', server.url))).json()) as LiveModel;

    // Assess
    expect(state.processorError).toBe('no processor metrics endpoint (start the processor with --metrics-port)');
  });
});
