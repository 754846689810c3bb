import type { z } from 'zod';
import { COMPANY_ID_PATTERN, companyEventSchema, type CompanyEvent } from './company';
import { isZonedDateTime } from './date-time';
import type { DeadLetterReason } from './dead-letter';
import { DEFAULT_JOB_EVENT_LIMITS, jobEventSchema, MAX_EVENT_ID_LENGTH, USER_ID_PATTERN, type JobEvent, type JobEventLimits } from './job-event';
import { describeValue } from './redaction';

/** Where a decode failed: reading bytes and syntax (`decode`) or checking the content (`validate`). */
export type DecodeStage = 'decode' | 'validate';

/** Why a record could not be decoded; `reason` is a stable dead-letter code, `message` is for humans. */
export interface DecodeFailure {
  readonly ok: false;
  readonly stage: DecodeStage;
  readonly reason: DeadLetterReason;
  /** Names the field and the rule; quotes at most about 100 characters of the input. */
  readonly message: string;
  /** The offending field (`nbJobs`, `creationDate`), when one is to blame. */
  readonly field?: string;
}

/** The outcome of a decoder: never an exception. */
export type DecodeResult<T> = { readonly ok: true; readonly value: T } | DecodeFailure;

/** What a decoder needs besides the bytes. */
export interface DecodeContext {
  /** When the record reached the stream: the event time of events that carry none. */
  readonly arrivalTime: Date;
  /** The clock against which `creationDate` is range-checked. */
  readonly now: Date;
  /** @default - {@link DEFAULT_JOB_EVENT_LIMITS} for every limit not given */
  readonly limits?: Partial<JobEventLimits>;
}

/** A valid job event, with its event time resolved and the wire format it came in. */
export interface DecodedJobEvent extends JobEvent {
  /** `creationDate` (or the arrival time) as ISO-8601 UTC with milliseconds. */
  readonly eventTime: string;
  readonly format: 'json' | 'csv';
}

/** A valid company snapshot; `asOf` is ISO-8601 UTC with milliseconds, the arrival time if absent. */
export type DecodedCompanyEvent = CompanyEvent & { readonly asOf: string };

const DECODE_STAGE_REASONS: ReadonlySet<DeadLetterReason> = new Set([
  'empty-record',
  'too-large',
  'invalid-utf8',
  'malformed-json',
  'malformed-csv',
]);

/** The CSV columns of a job event, in order (seed docs: `companyID,userID,nbJobs[,creationDate]`). */
export const JOB_EVENT_CSV_COLUMNS = ['companyID', 'userID', 'nbJobs', 'creationDate'] as const;

const MAX_QUOTED_CHARS = 100;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function fail(reason: DeadLetterReason, message: string, field?: string): DecodeFailure {
  const stage: DecodeStage = DECODE_STAGE_REASONS.has(reason) ? 'decode' : 'validate';
  return field === undefined ? { ok: false, stage, reason, message } : { ok: false, stage, reason, message, field };
}

function succeed<T>(value: T): DecodeResult<T> {
  return { ok: true, value };
}

/** Limits resolved per overrides object: a processor decodes every record with the same one. */
const resolvedLimits = new WeakMap<Partial<JobEventLimits>, JobEventLimits>();

const LIMIT_NAMES = Object.keys(DEFAULT_JOB_EVENT_LIMITS) as readonly (keyof JobEventLimits)[];

/** Whether `limits` is what `overrides` resolves to (a cached resolution stays right if the object changed since). */
function resolvesTo(overrides: Partial<JobEventLimits>, limits: JobEventLimits): boolean {
  for (const name of LIMIT_NAMES) if ((overrides[name] ?? DEFAULT_JOB_EVENT_LIMITS[name]) !== limits[name]) return false;
  return true;
}

function resolveLimits(overrides: Partial<JobEventLimits> | undefined): JobEventLimits {
  if (overrides === undefined) return DEFAULT_JOB_EVENT_LIMITS;
  const cached = resolvedLimits.get(overrides);
  if (cached !== undefined && resolvesTo(overrides, cached)) return cached;
  const limits = { ...DEFAULT_JOB_EVENT_LIMITS };
  for (const name of LIMIT_NAMES) limits[name] = overrides[name] ?? DEFAULT_JOB_EVENT_LIMITS[name];
  resolvedLimits.set(overrides, limits);
  return limits;
}

function readText(data: Uint8Array, maxRecordBytes: number): DecodeResult<string> {
  if (data.byteLength === 0) {
    return fail('empty-record', 'the record is empty');
  }
  if (data.byteLength > maxRecordBytes) {
    return fail('too-large', `the record is ${data.byteLength} bytes, more than the limit of ${maxRecordBytes}`);
  }
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    return fail('invalid-utf8', 'the record is not valid UTF-8');
  }
  return text.trim() === '' ? fail('empty-record', 'the record holds only whitespace') : succeed(text);
}

function parseJsonObject(text: string): DecodeResult<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message.slice(0, MAX_QUOTED_CHARS) : 'syntax error';
    return fail('malformed-json', `the record is not valid JSON: ${detail}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('bad-type', `one event per record: expected a JSON object, got ${describeValue(value)}`);
  }
  return succeed(value as Record<string, unknown>);
}

function articleFor(noun: string): string {
  return /^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function phrase(label: string, rule: string, input: unknown): string {
  return rule.startsWith('must ')
    ? `${label} ${rule}, got ${describeValue(input)}`
    : `${label}: ${rule} (got ${describeValue(input)})`;
}

function reasonFor(issue: z.core.$ZodIssue): DeadLetterReason {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'missing-field' : 'bad-type';
    case 'invalid_union':
      return 'bad-type';
    case 'too_big':
    case 'too_small':
      return issue.origin === 'string' ? 'bad-format' : 'out-of-range';
    case 'not_multiple_of':
      return 'out-of-range';
    default:
      return 'bad-format';
  }
}

function messageFor(issue: z.core.$ZodIssue, label: string): string {
  if (issue.code !== 'invalid_type') {
    return phrase(label, issue.message, issue.input);
  }
  if (issue.input === undefined) {
    return `${label} is required`;
  }
  const expected = issue.expected === 'int' ? 'integer' : issue.expected;
  return `${label} must be ${articleFor(expected)}, got ${describeValue(issue.input)}`;
}

/**
 * The failure for a list of zod issues: the first field's problem (a wrong type first, then the
 * project's own rule text "must be …" over zod's generic wording), with a count of the other fields.
 */
function failureFromIssues(issues: readonly z.core.$ZodIssue[]): DecodeFailure {
  const pathOf = (issue: z.core.$ZodIssue): string => issue.path.map(String).join('.');
  const first = issues[0];
  if (first === undefined) {
    return fail('bad-format', 'the value is invalid');
  }
  const samePath = issues.filter((issue) => pathOf(issue) === pathOf(first));
  // A wrong type dominates: zod 4 still runs length checks on an array given for a string.
  const issue =
    samePath.find((candidate) => candidate.code === 'invalid_type') ??
    samePath.find((candidate) => candidate.message.startsWith('must ')) ??
    first;
  const field = pathOf(issue) || undefined;
  const others = new Set(issues.map(pathOf)).size - 1;
  const suffix = others > 0 ? ` (and ${others} more invalid field${others > 1 ? 's' : ''})` : '';
  return fail(reasonFor(issue), `${messageFor(issue, field ?? 'the value')}${suffix}`, field);
}

/**
 * Validates an already-parsed value (an HTTP body, a decoded record) against a zod schema and
 * returns a {@link DecodeResult} with the same reason codes and messages as the record decoders.
 *
 * @example
 * const reply = parseWithSchema(apiGatewayChurnResponseSchema, await response.json());
 * if (!reply.ok) throw new ResponseDecodeError(reply.message);
 */
export function parseWithSchema<S extends z.ZodType>(schema: S, input: unknown): DecodeResult<z.infer<S>> {
  const result = schema.safeParse(input, { reportInput: true });
  return result.success ? succeed(result.data) : failureFromIssues(result.error.issues);
}

/** Reads the quoted field opening at `start`; `end` is just past its closing quote. */
function readQuotedField(line: string, start: number): { value: string; end: number } | undefined {
  let value = '';
  let cursor = start + 1;
  for (;;) {
    const closing = line.indexOf('"', cursor);
    if (closing < 0) {
      return undefined;
    }
    value += line.slice(cursor, closing);
    if (line[closing + 1] !== '"') {
      return { value, end: closing + 1 };
    }
    value += '"';
    cursor = closing + 2;
  }
}

/** Index of the first character at or after `from` that is not a space or tab. */
function skipBlanks(line: string, from: number): number {
  const blanks = /[ \t]*/y;
  blanks.lastIndex = from;
  blanks.exec(line);
  return blanks.lastIndex;
}

/**
 * Splits one RFC-4180 record: quoted fields with `""` escapes, line breaks only inside quotes,
 * blanks around fields ignored. Linear in the record's length.
 */
function splitCsvRecord(text: string): DecodeResult<string[]> {
  let length = text.length;
  while (length > 0 && (text[length - 1] === '\n' || text[length - 1] === '\r')) {
    length -= 1;
  }
  const line = text.slice(0, length);
  const fields: string[] = [];
  let position = 0;
  for (;;) {
    const column = fields.length + 1;
    const start = skipBlanks(line, position);
    let end: number;
    if (line[start] === '"') {
      const quoted = readQuotedField(line, start);
      if (quoted === undefined) {
        return fail('malformed-csv', `unbalanced quotes in column ${column}`);
      }
      end = skipBlanks(line, quoted.end);
      if (end < line.length && line[end] !== ',') {
        return fail('malformed-csv', `unexpected text after the closing quote of column ${column}`);
      }
      fields.push(quoted.value);
    } else {
      const comma = line.indexOf(',', position);
      end = comma < 0 ? line.length : comma;
      const raw = line.slice(position, end);
      if (raw.includes('"')) {
        return fail('malformed-csv', `a quote inside the unquoted column ${column}`);
      }
      if (/[\r\n]/.test(raw)) {
        return fail('malformed-csv', 'one event per record: found a line break outside quotes');
      }
      fields.push(raw.trim());
    }
    if (end >= line.length) {
      return succeed(fields);
    }
    position = end + 1;
  }
}

function looksLikeJsonScalar(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function jobEventFromCsv(text: string): DecodeResult<Record<string, unknown>> {
  const split = splitCsvRecord(text);
  if (!split.ok) {
    return split;
  }
  const fields = split.value;
  if (fields.length < 3 || fields.length > 4) {
    if (fields.length === 1 && looksLikeJsonScalar(text)) {
      return fail('bad-type', `one event per record: expected a JSON object or a CSV line, got the JSON value ${describeValue(text.trim())}`);
    }
    return fail('malformed-csv', `expected 3 or 4 columns (${JOB_EVENT_CSV_COLUMNS.join(',')}), got ${fields.length}`);
  }
  const [companyID = '', userID = '', nbJobs = '', creationDate = ''] = fields;
  for (const [name, value] of [['companyID', companyID], ['userID', userID], ['nbJobs', nbJobs]] as const) {
    if (value === '') {
      return fail('missing-field', `${name} is required but column ${JOB_EVENT_CSV_COLUMNS.indexOf(name) + 1} is empty`, name);
    }
  }
  if (!/^-?\d+$/.test(nbJobs)) {
    return fail('bad-type', `nbJobs must be a base-10 integer, got ${describeValue(nbJobs)}`, 'nbJobs');
  }
  return succeed({ companyID, userID, nbJobs: Number(nbJobs), ...(creationDate === '' ? {} : { creationDate }) });
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * A producer's timestamp (a job's `creationDate`, a snapshot's `asOf`) must lie in
 * [now − max age, now + max future skew]: one far-future date would otherwise outrank every
 * correct one that follows (a snapshot dated 2062 would make every later snapshot stale).
 */
function checkTimeWindow(field: 'creationDate' | 'asOf', value: string, now: Date, limits: JobEventLimits): DecodeFailure | undefined {
  const ms = Date.parse(value);
  const earliestMs = now.getTime() - limits.maxAgeMs;
  const latestMs = now.getTime() + limits.maxFutureSkewMs;
  if (ms >= earliestMs && ms <= latestMs) return undefined;
  const window = `${new Date(earliestMs).toISOString()} and ${new Date(latestMs).toISOString()}`;
  const rule = `at most ${Math.round(limits.maxAgeMs / DAY_MS)} days old and ${limits.maxFutureSkewMs / 1000} s ahead`;
  return fail('out-of-range', `${field} must be between ${window} (${rule}), got ${describeValue(value)}`, field);
}

function checkRanges(event: JobEvent, now: Date, limits: JobEventLimits): DecodeFailure | undefined {
  if (event.nbJobs < limits.minJobs || event.nbJobs > limits.maxJobs) {
    return fail('out-of-range', `nbJobs must be an integer between ${limits.minJobs} and ${limits.maxJobs}, got ${event.nbJobs}`, 'nbJobs');
  }
  if (event.creationDate !== undefined) return checkTimeWindow('creationDate', event.creationDate, now, limits);
  return undefined;
}

/** Whether an optional date-time field is absent or a zoned date-time, checked without zod. */
function isAbsentOrZonedDateTime(value: unknown): value is string | undefined {
  return value === undefined || (typeof value === 'string' && isZonedDateTime(value));
}

/**
 * Whether a zoned date-time is already written as `Date#toISOString` writes it (UTC, milliseconds:
 * `2026-11-25T10:00:00.000Z`), so that it is its own normalised form. Producers mostly send this
 * form, and formatting a date costs V8 about as much as parsing the whole record.
 */
function isToIsoStringForm(zonedDateTime: string): boolean {
  return zonedDateTime.length === 24 && zonedDateTime[19] === '.' && zonedDateTime[23] === 'Z';
}

/**
 * The fast path of {@link decodeJobEvent}: the decoded event if `candidate` (a parsed JSON object)
 * passes every rule of the schema path, else `undefined` and the schema path decides, so that every
 * failure keeps the schema's reason and message. It reads each field once and builds only the
 * result: no zod result, issue list or intermediate copy per event. Each check here states a rule
 * of {@link jobEventSchema} or {@link checkRanges}; `decode.fast-path.spec.ts` (generated records)
 * and the chaos suite's corpus spec hold the two paths to the same outcome.
 */
function confirmValidJobEvent(candidate: Record<string, unknown>, ctx: DecodeContext, limits: JobEventLimits): DecodedJobEvent | undefined {
  const { companyID, userID, nbJobs, creationDate, eventID, sentAt } = candidate;
  if (typeof companyID !== 'string' || !COMPANY_ID_PATTERN.test(companyID) || typeof userID !== 'string' || !USER_ID_PATTERN.test(userID)) {
    return undefined;
  }
  // zod's int() is a safe integer; the bounds are the decoder's own, compared as checkRanges does.
  if (typeof nbJobs !== 'number' || !Number.isSafeInteger(nbJobs) || nbJobs < limits.minJobs || nbJobs > limits.maxJobs) {
    return undefined;
  }
  if (!isAbsentOrZonedDateTime(creationDate) || !isAbsentOrZonedDateTime(sentAt)) {
    return undefined;
  }
  if (eventID !== undefined && (typeof eventID !== 'string' || eventID.length < 1 || eventID.length > MAX_EVENT_ID_LENGTH)) {
    return undefined;
  }
  let eventTime: string;
  if (creationDate === undefined) {
    eventTime = ctx.arrivalTime.toISOString();
  } else {
    // The window of checkTimeWindow, compared the same way (a date Date.parse cannot read is outside).
    const creationMs = Date.parse(creationDate);
    if (!(creationMs >= ctx.now.getTime() - limits.maxAgeMs && creationMs <= ctx.now.getTime() + limits.maxFutureSkewMs)) {
      return undefined;
    }
    eventTime = isToIsoStringForm(creationDate) ? creationDate : new Date(creationMs).toISOString();
  }
  // The schema path's value: the contract's fields in the schema's order, the absent ones left out.
  // (Spreading an object whose fields were added one by one, as zod builds its output, costs V8
  // microseconds; spreading small literals does not.)
  return {
    companyID,
    userID,
    nbJobs,
    ...(creationDate === undefined ? {} : { creationDate }),
    ...(eventID === undefined ? {} : { eventID }),
    ...(sentAt === undefined ? {} : { sentAt }),
    eventTime,
    format: 'json',
  };
}

function decodeJobEventRecord(data: Uint8Array, ctx: DecodeContext, useFastPath: boolean): DecodeResult<DecodedJobEvent> {
  const limits = resolveLimits(ctx.limits);
  const text = readText(data, limits.maxRecordBytes);
  if (!text.ok) {
    return text;
  }
  const format = /^\s*[{[]/.test(text.value) ? 'json' : 'csv';
  const candidate = format === 'json' ? parseJsonObject(text.value) : jobEventFromCsv(text.value);
  if (!candidate.ok) {
    return candidate;
  }
  const confirmed = useFastPath && format === 'json' ? confirmValidJobEvent(candidate.value, ctx, limits) : undefined;
  if (confirmed !== undefined) {
    return succeed(confirmed);
  }
  const parsed = parseWithSchema(jobEventSchema, candidate.value);
  if (!parsed.ok) {
    return parsed;
  }
  const outOfRange = checkRanges(parsed.value, ctx.now, limits);
  if (outOfRange !== undefined) {
    return outOfRange;
  }
  const eventTime = parsed.value.creationDate === undefined ? ctx.arrivalTime : new Date(parsed.value.creationDate);
  return succeed({ ...parsed.value, eventTime: eventTime.toISOString(), format });
}

/**
 * Decodes one job-event record (the Kinesis `data` bytes) in either wire form, JSON
 * (`{"companyID","userID","nbJobs","creationDate"?,"eventID"?,"sentAt"?}`, unknown fields ignored)
 * or CSV (`companyID,userID,nbJobs[,creationDate]`, RFC-4180 quoting), and validates it against
 * ARCHITECTURE.md §2. A record whose first non-blank character is `{` or `[` is JSON; anything
 * else is CSV. Never throws on any input: a bad record is a {@link DecodeFailure} with a stable
 * reason for its dead letter. A JSON record that passes every check takes a fast path with the same
 * outcome as the schema's ({@link decodeJobEventBySchema}); any other record goes through the schema.
 *
 * @example
 * const result = decodeJobEvent(record.data, { arrivalTime, now: new Date() });
 * if (!result.ok) return deadLetter(result.reason, result.message);
 */
export function decodeJobEvent(data: Uint8Array, ctx: DecodeContext): DecodeResult<DecodedJobEvent> {
  return decodeJobEventRecord(data, ctx, true);
}

/**
 * {@link decodeJobEvent} without its fast path: every record goes through the zod schema. The
 * reference the fast path is held to (equivalence tests, the decode micro-benchmark); the pipeline
 * calls {@link decodeJobEvent}.
 */
export function decodeJobEventBySchema(data: Uint8Array, ctx: DecodeContext): DecodeResult<DecodedJobEvent> {
  return decodeJobEventRecord(data, ctx, false);
}

/**
 * Decodes one company snapshot from the `companies` stream (JSON only). `employee` is accepted as
 * an alias of `employees`; `asOf` is normalised to ISO-8601 UTC and defaults to the arrival time,
 * and a given `asOf` is range-checked like a job's `creationDate` (`out-of-range`). Never throws on
 * any input.
 */
export function decodeCompanyEvent(data: Uint8Array, ctx: DecodeContext): DecodeResult<DecodedCompanyEvent> {
  const limits = resolveLimits(ctx.limits);
  const text = readText(data, limits.maxRecordBytes);
  if (!text.ok) {
    return text;
  }
  const candidate = parseJsonObject(text.value);
  if (!candidate.ok) {
    return candidate;
  }
  const parsed = parseWithSchema(companyEventSchema, candidate.value);
  if (!parsed.ok) {
    return parsed;
  }
  if (parsed.value.asOf !== undefined) {
    const outOfRange = checkTimeWindow('asOf', parsed.value.asOf, ctx.now, limits);
    if (outOfRange !== undefined) return outOfRange;
  }
  const asOf = parsed.value.asOf === undefined ? ctx.arrivalTime : new Date(parsed.value.asOf);
  return succeed({ ...parsed.value, asOf: asOf.toISOString() });
}
