import { renderSummary, textTable } from './summary';
import { demoResultFactory } from './testing/demo-result-factory';

describe('renderSummary', () => {
  it('shows events in, outcomes, accounting, churn risk, throughput and latency', () => {
    // Prepare
    const result = demoResultFactory();
    const latency = result.stats.latencyMs;

    // Act
    const text = renderSummary(result, '/repo/.local/reports/run-x.html');

    // Assess
    expect(text).toMatch(/Events in\s+40 {2}accepted on bigdatajobs/);
    expect(text).toMatch(/Enriched\s+36 {2}/);
    expect(text).toMatch(/Dead-lettered\s+3\n\s+bad-format\s+2\n\s+unknown-company\s+1/);
    expect(text).toMatch(/Duplicates skipped\s+1\n/);
    expect(text).toContain('36 + 3 + 1 = 40: every accepted event is accounted for');
    expect(text).toMatch(new RegExp(`Churn risk\\s+${result.stats.churnRisk.flagged} {2}of 12 companies`));
    expect(text).toContain(`p50 ${latency?.p50} ms`);
    expect(text).toContain(`p99 ${latency?.p99} ms`);
    expect(text).toContain('4 churn API calls, 9.0 companies per call on average, 25 ms mean call latency, 2 tenant lookups');
    expect(text).toContain('HTML report         /repo/.local/reports/run-x.html');
  });

  it('lists the top churn-risk companies by monthly fee at risk, stating the threshold', () => {
    // Prepare
    const result = demoResultFactory();
    const [first] = result.live.churnRisk.top;

    // Act
    const text = renderSummary(result, 'report.html');

    // Assess
    expect(text).toContain(`Top ${result.live.churnRisk.top.length} churn-risk companies by monthly fee at risk (probability × monthly fee; flagged = probability ≥ 0.5`);
    expect(text).toMatch(new RegExp(`\\n\\s+1\\s+${first?.companyID}\\s+${first?.industry}\\s+${first?.churnProbability.toFixed(3)}\\s+500\\s+500`));
  });

  it('starts with what happened', () => {
    expect(renderSummary(demoResultFactory(), 'report.html')).toContain('What happened       The pipeline kept up: p50 latency 320 ms, no stall.');
  });

  it('says where the outputs are and prints the AWS CLI commands with their environment', () => {
    // Act
    const text = renderSummary(demoResultFactory(), 'report.html');

    // Assess
    expect(text).toContain('s3://tenant-analytics/churn/data/  (5 objects; S3 endpoint http://127.0.0.1:4569)');
    expect(text).toContain('export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-west-2');
    expect(text).toContain('aws --endpoint-url http://127.0.0.1:4569 s3 ls s3://tenant-analytics/churn/data/ --recursive');
    expect(text).toContain('it has been stopped: run `npm start -- --keep-running`');
  });

  it('flags a run that does not balance and mentions ports that were taken', () => {
    // Prepare
    const base = demoResultFactory();
    const result = demoResultFactory({
      accounting: { ...base.accounting, balanced: false, problems: ['enriched 35 + dead-lettered 3 + duplicates skipped 1 = 39, but 40 events were accepted'] },
      portFallbacks: [{ name: 'kinesis', port: 4567 }],
      stackRunning: true,
    });

    // Act
    const text = renderSummary(result, 'report.html');

    // Assess
    expect(text).toContain('NOT ACCOUNTED       enriched 35 + dead-lettered 3 + duplicates skipped 1 = 39, but 40 events were accepted');
    expect(text).toContain('fixed port(s) 4567 (kinesis) were taken');
    expect(text).toContain('(the stack is running now)');
  });
});

describe('textTable', () => {
  it('aligns columns, numbers to the right', () => {
    expect(textTable(['name', 'n'], [['a', '1'], ['bbb', '22']], [false, true])).toEqual(['name   n', '----  --', 'a      1', 'bbb   22']);
  });
});
