import path from 'node:path';
import { buildSync } from 'esbuild';

let cached: string | undefined;

/**
 * The browser code of the live view and the report (Chart.js included), bundled once per process
 * by esbuild from this package's sources and node_modules: one script, served by the live view and
 * inlined into the report, so neither needs a CDN or the network.
 */
export function browserBundle(): string {
  cached ??= buildSync({
    entryPoints: [path.join(__dirname, 'browser', 'entry.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'TenantAnalyticsView',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    write: false,
    legalComments: 'inline',
  }).outputFiles[0]?.text ?? '';
  return cached;
}

/** `text` safe inside an inline `<script>` element. */
export function inlineScript(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}
