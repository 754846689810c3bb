import { endToEndOptions } from './end-to-end';

describe('endToEndOptions', () => {
  it('diagnoses one lane in process only with --diagnose: 8 batches, 1 with --quick', () => {
    expect(endToEndOptions(false).diagnosisBatches).toBe(0);
    expect(endToEndOptions(false, ['kinesalite'], true).diagnosisBatches).toBe(8);
    expect(endToEndOptions(true, ['kinesalite'], true).diagnosisBatches).toBe(1);
  });
});
