import { reportFileName } from './run-demo';

describe('reportFileName', () => {
  it('names the report after the start time, without characters some file systems reject', () => {
    expect(reportFileName(new Date('2026-11-25T10:04:05.678Z'))).toBe('run-2026-11-25T10-04-05Z.html');
  });
});
