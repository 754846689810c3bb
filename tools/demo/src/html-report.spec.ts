import { renderHtmlReport } from './html-report';
import { readRunSummary, type RunSummary } from './previous-report';
import { demoResultFactory, liveModelFactory } from './testing/demo-result-factory';

/** The text of `html` without tags (what a reader sees, in one line). */
const visibleText = (html: string): string =>
  html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');

describe('renderHtmlReport', () => {
  it('opens with what happened, then figures that say what they measure, and the accounting', () => {
    // Prepare
    const result = demoResultFactory();
    const latency = result.stats.latencyMs;

    // Act
    const text = visibleText(renderHtmlReport(result));

    // Assess
    expect(text.indexOf('What happened')).toBeLessThan(text.indexOf('Accounting'));
    expect(text).toContain('The producer sent 40 events at 10/s');
    expect(text).toContain('Most of the processor\'s batch time went to compute (81 %');
    expect(text).toContain(`${latency?.p99} ms p99 latency same measure, 99th percentile`);
    expect(text).toContain('events Kinesis accepted per second of sending (producer side)');
    expect(text).toContain('accepted events ÷ time from the first scheduled send to the last output');
    expect(text).toContain('every accepted event is accounted for, 36 enriched + 3 dead-lettered + 1 duplicates skipped = 40');
    expect(text).toContain('Late events: 2 (5%) carried a creationDate in the past');
  });

  it('prints AWS CLI commands only while the stack runs', () => {
    // Act
    const running = renderHtmlReport(demoResultFactory({ stackRunning: true }));
    const stopped = renderHtmlReport(demoResultFactory({ stackRunning: false }));

    // Assess
    expect(running).toContain('aws --endpoint-url http://127.0.0.1:4568 dynamodb get-item --table-name company-state');
    expect(stopped).not.toContain('aws --endpoint-url');
    expect(visibleText(stopped)).toContain('The local stack stopped with the run');
  });

  it('embeds the run summary for the next report and compares with the previous one', () => {
    // Prepare
    const result = demoResultFactory();
    const first = readRunSummary(renderHtmlReport(result)) as RunSummary;
    const previous = { file: 'run-earlier.html', summary: { ...first, p50Ms: (first.p50Ms ?? 0) * 2, sentPerSecond: 5 } };

    // Act
    const text = visibleText(renderHtmlReport(result, previous));

    // Assess
    expect(first).toMatchObject({ events: 40, accepted: 40, sentPerSecond: 10, deadLetters: 3, balanced: true });
    expect(text).toContain('Compared with the previous report, run-earlier.html');
    expect(text).toContain('same workload');
    expect(text).toMatch(/p50 latency \S+ ms \S+ ms −50 % \(better\)/);
    expect(text).toContain('sent (events/s accepted by Kinesis) 10 5 +100 % (better)');
  });

  it('says when there is no previous report to compare with', () => {
    // Act
    const text = visibleText(renderHtmlReport(demoResultFactory()));

    // Assess
    expect(text).toContain('No earlier report with a summary in the report directory');
  });

  it('is one self-contained file: chart script, data and style inline, nothing loaded from elsewhere', () => {
    // Act
    const html = renderHtmlReport(demoResultFactory());

    // Assess
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link(?![^>]*href="data:)/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    expect(html).toContain('TenantAnalyticsView.renderReportCharts(');
    expect(html).toMatch(/<script type="application\/json" id="report-charts">\{"live":/);
  });

  it('escapes text from the run, in HTML and in the embedded data', () => {
    // Prepare
    const base = demoResultFactory();
    const result = demoResultFactory({
      accounting: { ...base.accounting, balanced: false, problems: ['<img src=x onerror=alert(1)>'] },
      live: liveModelFactory({ deadLetters: [{ reason: 'bad-format', stage: 'validate', count: 1, message: '</script><script>alert(1)</script>', sampleRecord: '<b>', sampleKey: 'k' }] }),
    });

    // Act
    const html = renderHtmlReport(result);

    // Assess
    expect(html).toContain('Not accounted: &lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('</script><script>alert(1)');
  });

  it('says when no processor metrics were read (the Lambda runtime serves none)', () => {
    // Prepare
    const base = demoResultFactory();
    const result = demoResultFactory({ options: { ...base.options, runtime: 'lambda' }, live: liveModelFactory({ samples: [], processorError: 'no processor metrics endpoint (start the processor with --metrics-port)' }) });

    // Act
    const text = visibleText(renderHtmlReport(result));

    // Assess
    expect(text).toContain('No metrics of the processor were read during this run (no processor metrics endpoint (start the processor with --metrics-port); the Lambda runtime serves no metrics endpoint)');
  });
});
