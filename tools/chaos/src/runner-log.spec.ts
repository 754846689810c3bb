import { runnerLogLines } from './runner-log';

describe('runnerLogLines', () => {
  it('parses the JSON lines of a pino log and skips everything else', () => {
    const output = [
      '{"level":30,"time":1000,"pid":1,"name":"processor","msg":"processor running"}',
      'tsx: some notice',
      '{"level":40,"time":2000,"state":"open","msg":"churn breaker state changed"}',
      '{"not":"a log line"}',
      '{"level":50,"time":3000,"msg":"broken',
    ].join('\n');

    const lines = runnerLogLines(output);

    expect(lines).toEqual([
      { level: 30, time: 1000, msg: 'processor running', fields: { pid: 1, name: 'processor' } },
      { level: 40, time: 2000, msg: 'churn breaker state changed', fields: { state: 'open' } },
    ]);
  });
});
