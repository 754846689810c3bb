import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { DedupeWindow, dedupeSegmentOf, eventKeyDigest } from './dedupe-window';
import { pendingBatchFactory } from '../testing/record-fixtures';

describe('eventKeyDigest', () => {
  it('is a safe integer that depends on the company and the eventID', () => {
    const digest = eventKeyDigest('comp_1', 'e1');

    expect(Number.isSafeInteger(digest)).toBe(true);
    expect(digest).toBe(eventKeyDigest('comp_1', 'e1'));
    expect(digest).not.toBe(eventKeyDigest('comp_2', 'e1'));
    expect(digest).not.toBe(eventKeyDigest('comp_1', 'e2'));
  });

  it('is the first 53 bits of SHA-256 over companyID, NUL, eventID (segments written by any version stay readable)', () => {
    // The digests are durable (dedupe segments in the lane store): their definition must not move.
    const reference = (companyID: string, eventID: string) => {
      const bytes = createHash('sha256').update(`${companyID}\u0000${eventID}`, 'utf8').digest();
      return bytes.readUIntBE(0, 6) * 32 + (bytes.readUInt8(6) >> 3);
    };

    expect(eventKeyDigest('comp_1', 'e1')).toBe(7_366_330_403_946_751);
    expect(reference('comp_1', 'e1')).toBe(7_366_330_403_946_751);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), (companyID, eventID) => {
        expect(eventKeyDigest(companyID, eventID)).toBe(reference(companyID, eventID));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('DedupeWindow', () => {
  const WINDOW_MS = 1_000;
  const segment = (id: string, createdAtMs: number, ids: readonly string[]) => ({ id, createdAtMs, digests: ids.map((eventID) => eventKeyDigest('c', eventID)) });

  it('remembers an id until the window after the batch that applied it has passed', () => {
    // Prepare
    const window = new DedupeWindow(WINDOW_MS);

    // Act
    window.add(segment('s1', 100, ['a']));

    // Assess
    expect(window.has(eventKeyDigest('c', 'a'), 1_099)).toBe(true);
    expect(window.has(eventKeyDigest('c', 'a'), 1_100)).toBe(false);
    expect(window.has(eventKeyDigest('c', 'b'), 500)).toBe(false);
  });

  it('keeps an id applied again by a newer segment when the older one expires, whatever order segments come in', () => {
    // Prepare
    const window = new DedupeWindow(WINDOW_MS);
    window.add(segment('newer', 600, ['a']));
    window.add(segment('older', 100, ['a', 'b']));

    // Act
    window.expire(1_200);

    // Assess
    expect(window.has(eventKeyDigest('c', 'a'), 1_200)).toBe(true);
    expect(window.has(eventKeyDigest('c', 'b'), 1_200)).toBe(false);
    expect(window.size).toBe(1);
  });

  it('answers as a window that checks every segment, whatever order segments come and expire in', () => {
    // The reference: each id remembered while any segment that holds it is younger than the window.
    const segmentArb = fc.record({ id: fc.constantFrom('s1', 's2', 's3', 's4', 's5', 's6'), createdAtMs: fc.integer({ min: 0, max: 3_000 }), ids: fc.subarray(['a', 'b', 'c', 'd']) });
    const step = fc.oneof(fc.record({ add: segmentArb }), fc.record({ expireAt: fc.integer({ min: 0, max: 5_000 }) }));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), fc.integer({ min: 0, max: 5_000 }), (steps, askAt) => {
        const window = new DedupeWindow(WINDOW_MS);
        const held = new Map<string, { createdAtMs: number; ids: readonly string[] }>();
        let expiredUpTo = 0;
        for (const next of steps) {
          if ('add' in next) {
            window.add(segment(next.add.id, next.add.createdAtMs, next.add.ids));
            if (!held.has(next.add.id)) held.set(next.add.id, next.add);
          } else {
            window.expire(next.expireAt);
            expiredUpTo = Math.max(expiredUpTo, next.expireAt);
            for (const [id, { createdAtMs }] of held) if (createdAtMs + WINDOW_MS <= next.expireAt) held.delete(id);
          }
        }
        const now = Math.max(askAt, expiredUpTo);
        for (const eventID of ['a', 'b', 'c', 'd']) {
          const expected = [...held.values()].some(({ createdAtMs, ids }) => ids.includes(eventID) && createdAtMs + WINDOW_MS > now);
          expect(window.has(eventKeyDigest('c', eventID), now)).toBe(expected);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('adds a segment once (idempotent)', () => {
    const window = new DedupeWindow(WINDOW_MS);
    window.add(segment('s1', 100, ['a']));
    window.add(segment('s1', 100, ['a']));
    window.expire(1_100);
    expect(window.size).toBe(0);
  });
});

describe('dedupeSegmentOf', () => {
  it('holds the producer ids of a pending batch by company, and nothing for a batch without any', () => {
    // Prepare
    const pending = pendingBatchFactory({
      commits: [
        { companyID: 'comp_1', jobs: [{ sequenceNumber: '1', eventTime: '2026-11-25T09:00:00.000Z', nbJobs: 1, eventID: 'e1' }, { sequenceNumber: '2', eventTime: '2026-11-25T09:00:00.000Z', nbJobs: 1 }] },
      ],
    });

    // Act / Assess
    expect(dedupeSegmentOf(pending)).toEqual({ id: pending.id, createdAtMs: Date.parse(pending.createdAt), digests: [eventKeyDigest('comp_1', 'e1')] });
    expect(dedupeSegmentOf(pendingBatchFactory({ commits: [] }))).toBeUndefined();
  });
});
