import { accountFor } from './demo-result';

const send = { accepted: 100, valid: 90, duplicates: 2, invalid: { total: 8, byReason: {}, byKind: {} } };

describe('accountFor', () => {
  it('balances when enriched + dead-lettered + duplicates skipped = accepted and the sinks agree', () => {
    // Act
    const accounting = accountFor({ send, enriched: 90, enrichedLines: 90, deadLetters: 8, duplicatesSkipped: 2, onStream: 90 });

    // Assess
    expect(accounting).toMatchObject({ balanced: true, problems: [], expected: { enriched: 90, deadLetters: 8, duplicates: 2 } });
  });

  it('fails when events are missing, naming the sum', () => {
    // Act
    const accounting = accountFor({ send, enriched: 89, enrichedLines: 89, deadLetters: 8, duplicatesSkipped: 2, onStream: 89 });

    // Assess
    expect(accounting.balanced).toBe(false);
    expect(accounting.problems).toEqual(['enriched 89 + dead-lettered 8 + duplicates skipped 2 = 99, but 100 events were accepted']);
  });

  it('fails on duplicate S3 lines and on events missing from the enriched stream', () => {
    // Act
    const accounting = accountFor({ send, enriched: 90, enrichedLines: 91, deadLetters: 8, duplicatesSkipped: 2, onStream: 88 });

    // Assess
    expect(accounting.problems).toEqual(['the S3 sink holds 1 duplicate line(s)', 'the enriched stream showed 88 of the 90 enriched events']);
  });
});
