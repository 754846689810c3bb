import { JOB_EVENT_CSV_COLUMNS, type DeadLetterReason, type JobEvent } from '@tenant-analytics/domain';

/** Wire formats the producer writes (ARCHITECTURE.md §2). */
export const JOB_EVENT_FORMATS = ['json', 'csv'] as const;
export type JobEventFormat = (typeof JOB_EVENT_FORMATS)[number];

/** What a recipe may use besides the valid event it spoils. */
export interface SpoilContext {
  readonly format: JobEventFormat;
  /** A seeded random number in [0, 1). */
  readonly random: () => number;
  /** The event's scheduled send time, the reference for date mistakes. */
  readonly scheduledAtMs: number;
  /** A company id that is well formed but not in the data set (unique per record). */
  readonly unknownCompanyId: string;
}

/**
 * One kind of realistic bad record and the dead-letter reason the processor gives it. The reason
 * is the decoder's (`decodeJobEvent`) for every kind but `unknown-company`, which decodes fine
 * and is rejected when the tenant lookup answers 404.
 */
export interface InvalidRecordRecipe {
  readonly kind: string;
  readonly reason: DeadLetterReason;
  readonly formats: readonly JobEventFormat[];
  /** The record's bytes, made from a valid event. */
  readonly spoil: (event: JobEvent, context: SpoilContext) => Uint8Array;
}

const DAY_MS = 24 * 3600 * 1000;
const BOTH: readonly JobEventFormat[] = ['json', 'csv'];
const utf8 = new TextEncoder();

/**
 * Encodes fields that need not satisfy the schema. CSV writes the four columns in order (a missing
 * one becomes an empty column, a missing `creationDate` is left off); none of the values the
 * recipes produce need quoting.
 */
function encodeLoose(fields: Readonly<Record<string, unknown>>, format: JobEventFormat): Uint8Array {
  if (format === 'json') {
    return utf8.encode(JSON.stringify(fields));
  }
  const columns = JOB_EVENT_CSV_COLUMNS.map((name) => (fields[name] === undefined ? '' : String(fields[name])));
  return utf8.encode((fields['creationDate'] === undefined ? columns.slice(0, 3) : columns).join(','));
}

/**
 * A recipe that changes fields of the event, then encodes it in the record's format; a field
 * changed to `undefined` is left out (JSON) or left empty (CSV).
 */
function fieldRecipe(
  kind: string,
  reason: DeadLetterReason,
  change: (event: JobEvent, context: SpoilContext) => Record<string, unknown>,
  formats: readonly JobEventFormat[] = BOTH,
): InvalidRecordRecipe {
  return { kind, reason, formats, spoil: (event, context) => encodeLoose({ ...event, ...change(event, context) }, context.format) };
}

function isoDaysFrom(context: SpoilContext, minDays: number, maxDays: number): string {
  const days = minDays + context.random() * (maxDays - minDays);
  return new Date(context.scheduledAtMs + days * DAY_MS).toISOString();
}

/**
 * The bad records `--invalid-ratio` mixes in: mistakes real producers make (truncated or
 * hand-written JSON, numbers as strings, local times without a zone, clocks days off, a CSV line
 * with a column too many), each tagged with the reason its dead letter will carry.
 */
export const INVALID_RECORD_RECIPES: readonly InvalidRecordRecipe[] = [
  {
    kind: 'truncated-json',
    reason: 'malformed-json',
    formats: ['json'],
    spoil: (event, { random }) => {
      const text = JSON.stringify(event);
      // Any proper prefix of an object lacks its closing brace, so it never parses.
      return utf8.encode(text.slice(0, 1 + Math.floor(random() * (text.length - 2))));
    },
  },
  {
    kind: 'single-quoted-json',
    reason: 'malformed-json',
    formats: ['json'],
    spoil: (event) => utf8.encode(JSON.stringify(event).replaceAll('"', "'")),
  },
  {
    kind: 'several-events-in-one-record',
    reason: 'bad-type',
    formats: ['json'],
    spoil: (event) => utf8.encode(JSON.stringify([event, event])),
  },
  fieldRecipe('nb-jobs-fraction', 'bad-type', () => ({ nbJobs: 1.5 }), ['json']),
  fieldRecipe('nb-jobs-as-string', 'bad-type', (event, { format }) => ({ nbJobs: format === 'json' ? String(event.nbJobs) : 'n/a' })),
  fieldRecipe('missing-user-id', 'missing-field', () => ({ userID: undefined })),
  fieldRecipe('missing-nb-jobs', 'missing-field', () => ({ nbJobs: undefined })),
  fieldRecipe('nb-jobs-zero', 'out-of-range', () => ({ nbJobs: 0 })),
  fieldRecipe('nb-jobs-negative', 'out-of-range', (_, { random }) => ({ nbJobs: -1 - Math.floor(random() * 10) })),
  fieldRecipe('nb-jobs-too-large', 'out-of-range', () => ({ nbJobs: 1_000_000 })),
  fieldRecipe('unparseable-date', 'bad-format', (_, context) => {
    const date = new Date(context.scheduledAtMs);
    return { creationDate: `${date.getUTCDate()}/${date.getUTCMonth() + 1}/${date.getUTCFullYear()} 10:00` };
  }),
  fieldRecipe('date-without-zone', 'bad-format', (_, context) => ({ creationDate: new Date(context.scheduledAtMs).toISOString().slice(0, 19) })),
  fieldRecipe('far-future-date', 'out-of-range', (_, context) => ({ creationDate: isoDaysFrom(context, 2, 30) })),
  fieldRecipe('too-old-date', 'out-of-range', (_, context) => ({ creationDate: isoDaysFrom(context, -700, -400) })),
  fieldRecipe('bad-company-id', 'bad-format', (event) => ({ companyID: `${event.companyID} (old)` })),
  fieldRecipe('unknown-company', 'unknown-company', (_, context) => ({ companyID: context.unknownCompanyId })),
  {
    kind: 'csv-too-few-columns',
    reason: 'malformed-csv',
    formats: ['csv'],
    spoil: (event) => utf8.encode(`${event.companyID},${event.userID}`),
  },
  {
    kind: 'csv-too-many-columns',
    reason: 'malformed-csv',
    formats: ['csv'],
    spoil: (event) => utf8.encode(`${event.companyID},${event.userID},${event.nbJobs},${event.creationDate ?? ''},web`),
  },
  {
    kind: 'csv-unbalanced-quote',
    reason: 'malformed-csv',
    formats: ['csv'],
    spoil: (event) => utf8.encode(`"${event.companyID},${event.userID},${event.nbJobs}`),
  },
  {
    kind: 'blank-record',
    reason: 'empty-record',
    formats: BOTH,
    spoil: () => utf8.encode(' \n'),
  },
  {
    kind: 'not-utf8',
    reason: 'invalid-utf8',
    formats: BOTH,
    // A gzip header: a producer that compressed the payload.
    spoil: () => Uint8Array.of(0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0xc3, 0x28),
  },
];

/** The recipes that apply to `format`. */
export function invalidRecipesFor(format: JobEventFormat): readonly InvalidRecordRecipe[] {
  return INVALID_RECORD_RECIPES.filter((recipe) => recipe.formats.includes(format));
}
