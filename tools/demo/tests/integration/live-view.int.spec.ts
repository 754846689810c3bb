import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sleep } from '@tenant-analytics/domain';
import type { Browser, Page } from 'playwright-core';
import { pino } from 'pino';
import { DEFAULT_DEMO_OPTIONS, type DemoOptions } from '../../src/demo-options';
import { runDemo, type DemoOutcome } from '../../src/run-demo';
import { horizontalOverflow, launchChromium, openPage } from './chromium';

/** Where screenshots go when set (README images: `LIVE_VIEW_SCREENSHOTS=docs/images npx nx run demo:integration`). */
const SCREENSHOTS = process.env['LIVE_VIEW_SCREENSHOTS'];
const WIDTHS = [1400, 390] as const;

/** Sums of the processor's Prometheus text by metric name (every label set added up). */
function prometheusTotals(text: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{[^}]*\})? (\S+)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) totals.set(match[1], (totals.get(match[1]) ?? 0) + Number(match[2]));
  }
  return totals;
}

/** The live view's card values, as numbers. */
async function cards(page: Page): Promise<Record<string, number>> {
  return page.$$eval('[data-metric]', (nodes) =>
    Object.fromEntries(nodes.map((node) => [node.getAttribute('data-metric') ?? '', Number((node.textContent ?? '').replace(/[^0-9.]/g, ''))])),
  );
}

/** A README image: the top of the page, a tall desktop window or a phone screen. */
async function screenshot(page: Page, file: string, width: number): Promise<void> {
  await page.setViewportSize({ width, height: width > 600 ? 1500 : 844 });
  await sleep(500);
  await page.screenshot({ path: file });
}

async function waitForOutput(lines: () => string, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!lines().includes(text)) {
    if (Date.now() > deadline) throw new Error(`no "${text}" in the demo's output within ${timeoutMs} ms:\n${lines()}`);
    await sleep(250);
  }
}

describe('npm start -- --keep-running: the live view and the run report in Chromium', () => {
  let browser: Browser | undefined;
  let reportDir: string;

  beforeAll(async () => {
    browser = await launchChromium();
    reportDir = mkdtempSync(path.join(os.tmpdir(), 'demo-reports-'));
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(reportDir, { recursive: true, force: true });
  });

  it('shows the processor\'s /metrics figures, fits 390 px, logs no console error, and so does the report', async () => {
    // Prepare: a small run that keeps the stack up until aborted.
    const options: DemoOptions = { ...DEFAULT_DEMO_OPTIONS, events: 600, durationSeconds: 2, companies: 200, freePorts: true, keepRunning: true, reportDir, drainTimeoutSeconds: 120 };
    const controller = new AbortController();
    let output = '';
    const demo: Promise<DemoOutcome> = runDemo(options, { out: (text) => (output += text), signal: controller.signal, logger: pino({ level: 'silent' }) });
    let outcome: DemoOutcome | undefined;
    try {
      await waitForOutput(() => output, 'The stack and the processor keep running', 240_000);
      const liveViewUrl = /Live view: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
      const metricsUrl = /processor metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(output)?.[1];
      expect(liveViewUrl).toBeDefined();
      expect(metricsUrl).toBeDefined();
      const totals = prometheusTotals(await (await fetch(metricsUrl as string)).text());
      const expected = {
        'records-in': totals.get('tenant_analytics_records_in_total'),
        enriched: totals.get('tenant_analytics_enriched_total'),
        'dead-letters': totals.get('tenant_analytics_dead_letters_total'),
        'duplicates-skipped': totals.get('tenant_analytics_duplicates_skipped_total') ?? 0,
        'commit-conflicts': totals.get('tenant_analytics_state_commit_conflicts_total') ?? 0,
        'pending-recovered': totals.get('tenant_analytics_pending_batches_recovered_total') ?? 0,
      };
      expect(expected['records-in']).toBe(options.events + options.companies);

      // Act and assess: the live view.
      for (const width of WIDTHS) {
        const { page, errors } = await openPage(browser as Browser, liveViewUrl as string, width);
        const want = JSON.stringify((expected['records-in'] ?? 0).toLocaleString('en-US'));
        await page.waitForFunction(`document.querySelector('[data-metric="records-in"]')?.textContent === ${want}`, undefined, { timeout: 15_000 });
        expect(await cards(page)).toMatchObject(expected);
        expect(await page.locator('canvas').count()).toBe(14); // 13 charts over time and the stage shares
        expect(await page.locator('#churn-risk tbody tr').count()).toBeGreaterThan(0);
        expect(await page.locator('#dead-letter-reasons tbody tr').count()).toBeGreaterThan(0);
        expect(await horizontalOverflow(page)).toBe(0);
        if (SCREENSHOTS !== undefined) await screenshot(page, path.join(SCREENSHOTS, `live-view-${width}.png`), width);
        expect(errors).toEqual([]);
        await page.close();
      }
    } finally {
      controller.abort('SIGINT');
      outcome = await demo;
    }

    // Assess: the report, one self-contained file.
    expect(outcome.exitCode).toBe(0);
    const reportPath = outcome.reportPath as string;
    const html = readFileSync(reportPath, 'utf8');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="(?!data:)/);
    for (const width of WIDTHS) {
      const { page, errors } = await openPage(browser as Browser, `file://${reportPath}`, width);
      await page.waitForFunction(`document.querySelectorAll('canvas').length === 17`, undefined, { timeout: 15_000 });
      expect(await page.locator('#story .callout').textContent()).toMatch(/The pipeline (kept up|fell behind)/);
      expect(await page.locator('[data-metric="records-in"]').textContent()).toBe((options.events + options.companies).toLocaleString('en-US'));
      expect(await horizontalOverflow(page)).toBe(0);
      if (SCREENSHOTS !== undefined) await screenshot(page, path.join(SCREENSHOTS, `run-report-${width}.png`), width);
      expect(errors).toEqual([]);
      await page.close();
    }
  });
});
