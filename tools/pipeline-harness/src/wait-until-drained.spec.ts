import { isDrained, type LaneProgress } from './wait-until-drained';

describe('isDrained', () => {
  const lane = (overrides: Partial<LaneProgress>): LaneProgress => ({ stream: 'bigdatajobs', shardId: 's0', checkpoint: '1', pending: false, caughtUp: true, ...overrides });

  it('is true only when every lane is caught up with nothing pending', () => {
    expect(isDrained([lane({}), lane({ shardId: 's1', checkpoint: undefined })])).toBe(true);
    expect(isDrained([lane({}), lane({ caughtUp: false })])).toBe(false);
    expect(isDrained([lane({ pending: true })])).toBe(false);
  });
});
