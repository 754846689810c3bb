import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { browserBundle, inlineScript } from './browser-bundle';
import type { LiveCollector } from './live-collector';
import { VIEW_STYLE } from './view-style';

/** The live view binds loopback only: it has no authentication and shows the run's data. */
export const LIVE_VIEW_HOST = '127.0.0.1';

/** A running live view. */
export interface LiveViewServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  close(): Promise<void>;
}

/** Samples of history sent to the page (10 minutes at 1 s). */
const HISTORY_SAMPLES = 600;

function page(title: string, intervalMs: number): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<style>${VIEW_STYLE}</style>
</head>
<body>
<h1>${title}</h1>
<p class="muted">Live, updated every ${intervalMs / 1000} s from the processor's metrics endpoint and the pipeline's outputs. Served on 127.0.0.1 only, without authentication: it is reachable from this machine alone.</p>
<p id="status" class="status">Loading…</p>
<main id="live-root"></main>
<script src="app.js"></script>
<script>TenantAnalyticsView.startLivePage(document.getElementById('live-root'), document.getElementById('status'), { stateUrl: 'state.json', intervalMs: ${intervalMs} });</script>
</body>
</html>
`;
}

/**
 * Serves the live view on 127.0.0.1:`port` (0 = a free port): `/` the page, `/app.js` the browser
 * bundle (Chart.js included, no CDN), `/state.json` what `collector` has now.
 */
export async function startLiveViewServer(collector: Pick<LiveCollector, 'model'>, options: { readonly port?: number; readonly title?: string; readonly intervalMs?: number } = {}): Promise<LiveViewServer> {
  const intervalMs = options.intervalMs ?? 1_000;
  const html = page(options.title ?? 'Tenant analytics: live view', intervalMs);
  const script = inlineScript(browserBundle());
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (request.method !== 'GET') response.writeHead(405, { ...headers, allow: 'GET' }).end();
    else if (path === '/' || path === '/index.html') response.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(html);
    else if (path === '/app.js') response.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    else if (path === '/state.json') response.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(collector.model(HISTORY_SAMPLES)));
    else response.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LIVE_VIEW_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${LIVE_VIEW_HOST}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
