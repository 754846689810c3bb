import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrometheusMetrics } from './prometheus-metrics';

/** The loopback address the metrics endpoint binds: it has no authentication, so it is never exposed. */
export const METRICS_HOST = '127.0.0.1';

/** A running metrics endpoint. */
export interface MetricsServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves `metrics` on 127.0.0.1 only: `GET /metrics` in the Prometheus text format, `GET
 * /metrics.json` the same snapshot as JSON. Loopback-only, read-only and without secrets, so it
 * needs no authentication. `port` 0 takes a free port.
 */
export async function startMetricsServer(metrics: Pick<PrometheusMetrics, 'text' | 'json' | 'registry'>, port: number): Promise<MetricsServer> {
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    const send = (contentType: string, body: Promise<string>): void => {
      body.then(
        (text) => response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store', 'access-control-allow-origin': '*' }).end(request.method === 'HEAD' ? undefined : text),
        (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(error)}\n`),
      );
    };
    if (path === '/metrics') send(metrics.registry.contentType, metrics.text());
    else if (path === '/metrics.json') send('application/json', metrics.json().then((json) => JSON.stringify(json)));
    else response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics (Prometheus text) or /metrics.json\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, METRICS_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://${METRICS_HOST}:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
