import { decodeJobEvent } from '@tenant-analytics/domain';
import { renderMarkdownTable } from '../table';
import { decodeMicrobenchTable, decodeRecordSets, measureDecodeSet, type DecodeRecordSet } from './decode-microbench';

const now = new Date('2026-12-02T12:00:00.000Z');

describe('decodeRecordSets', () => {
  it('makes valid JSON, a JSON mix with bad records, and valid CSV, all dated inside the window', () => {
    // Act
    const sets = decodeRecordSets(500, now);

    // Assess
    const validCounts = sets.map((set) => set.records.filter((data) => decodeJobEvent(data, { arrivalTime: now, now }).ok).length);
    expect(sets.map((set) => set.records.length)).toEqual([500, 500, 500]);
    expect(validCounts[0]).toBe(500);
    expect(validCounts[1]).toBeGreaterThan(350);
    expect(validCounts[1]).toBeLessThan(500);
    expect(validCounts[2]).toBe(500);
    expect(new TextDecoder().decode(sets[2]?.records[0]).startsWith('{')).toBe(false);
  });
});

describe('measureDecodeSet', () => {
  it('decodes every record with both paths and reports their counts and figures', () => {
    // Prepare
    const [valid] = decodeRecordSets(50, now);
    const set: DecodeRecordSet = { name: 'tiny', records: [...(valid?.records ?? []), new TextEncoder().encode('{"companyID":"c"}')] };

    // Act
    const result = measureDecodeSet(set, { records: 51, rounds: 2, warmupRounds: 1, now });

    // Assess
    expect(result).toMatchObject({ name: 'tiny', records: 51, valid: 50 });
    expect(result.fastNsPerRecord).toBeGreaterThan(0);
    expect(result.schemaNsPerRecord).toBeGreaterThan(0);
    expect(result.speedup).toBeGreaterThan(0);
  });
});

describe('decodeMicrobenchTable', () => {
  it('renders one row per set', () => {
    const table = decodeMicrobenchTable([{ name: 'valid JSON', records: 10, valid: 9, fastNsPerRecord: 2_345.6, schemaNsPerRecord: 9_876, speedup: 4.21 }]);
    expect(renderMarkdownTable(table)).toContain('| valid JSON | 9 of 10 | 2,346 | 9,876 | 4.21× |');
  });
});
