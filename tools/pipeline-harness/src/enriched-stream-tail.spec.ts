import { observationsFromProcessedAt } from './enriched-stream-tail';
import { T0, iso, enrichedRecordFactory } from './testing/run-fixtures';

describe('observationsFromProcessedAt', () => {
  it('keeps the first copy of each event with its processedAt as output time', () => {
    // Prepare
    const first = enrichedRecordFactory({ eventID: 'x', processedAt: iso(T0 + 500) });
    const again = { ...first, processedAt: iso(T0 + 900) };

    // Act
    const observations = observationsFromProcessedAt([first, again, enrichedRecordFactory()]);

    // Assess
    expect(observations).toHaveLength(2);
    expect(observations[0]).toEqual({ record: first, outputAtMs: T0 + 500 });
  });
});
