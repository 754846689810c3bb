import { renderHtmlReport } from './html-report';
import { demoResultFactory } from './testing/demo-result-factory';

describe('renderHtmlReport', () => {
  it('contains the run figures, the accounting verdict and the churn-risk table', () => {
    // Prepare
    const result = demoResultFactory();
    const latency = result.stats.latencyMs;

    // Act
    const html = renderHtmlReport(result);

    // Assess
    expect(html).toContain('<div class="value">40</div><div class="label">events in (accepted)</div>');
    expect(html).toContain('<div class="value">36</div><div class="label">enriched</div>');
    expect(html).toContain(`<div class="value">${latency?.p99} ms</div><div class="label">p99 latency</div>`);
    expect(html).toContain('Every accepted event is accounted for: 36 + 3 + 1 = 40.');
    for (const row of result.stats.churnRisk.top) expect(html).toContain(`<td>${row.companyID}</td>`);
    expect(html).toContain('aws --endpoint-url http://127.0.0.1:4568 dynamodb get-item --table-name company-state');
  });

  it('draws throughput and latency over time and dead letters by reason as inline SVG', () => {
    // Act
    const html = renderHtmlReport(demoResultFactory());

    // Assess
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).toContain('aria-label="Throughput over time (events per second)"');
    expect(html).toContain('aria-label="End-to-end latency over time (by output second)"');
    expect(html).toMatch(/<title>bad-format: 2<\/title>/);
    expect(html.match(/<polyline /g)).toHaveLength(4);
  });

  it('is self-contained: no script, no stylesheet link, no remote src or href', () => {
    // Act
    const html = renderHtmlReport(demoResultFactory());

    // Assess
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/@import/i);
  });

  it('escapes text from the run', () => {
    // Prepare
    const base = demoResultFactory();
    const result = demoResultFactory({
      accounting: { ...base.accounting, balanced: false, problems: ['<img src=x onerror=alert(1)>'] },
    });

    // Act
    const html = renderHtmlReport(result);

    // Assess
    expect(html).toContain('Not accounted: &lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
  });
});
