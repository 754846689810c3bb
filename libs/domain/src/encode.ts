import type { JobEvent } from './job-event';

const utf8 = new TextEncoder();

/**
 * A job event as a JSON record (seed wire form), ready for a Kinesis `PutRecords` entry. Only the
 * contract's fields are written, so a {@link DecodedJobEvent} can be re-encoded as it came.
 *
 * @example
 * encodeJobEventJson({ companyID: 'comp_4', userID: 'user_1', nbJobs: 1 });
 * // → bytes of {"companyID":"comp_4","userID":"user_1","nbJobs":1}
 */
export function encodeJobEventJson(event: JobEvent): Uint8Array {
  const { companyID, userID, nbJobs, creationDate, eventID, sentAt } = event;
  // JSON.stringify drops the optional fields that are undefined.
  return utf8.encode(JSON.stringify({ companyID, userID, nbJobs, creationDate, eventID, sentAt }));
}

function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * A job event as a CSV record (`companyID,userID,nbJobs[,creationDate]`, RFC-4180 quoting when a
 * field needs it). CSV has no column for `eventID` or `sentAt`: they are not written, so CSV events
 * are deduplicated by their stream position only.
 */
export function encodeJobEventCsv(event: JobEvent): Uint8Array {
  const fields = [event.companyID, event.userID, String(event.nbJobs)];
  if (event.creationDate !== undefined) {
    fields.push(event.creationDate);
  }
  return utf8.encode(fields.map(csvField).join(','));
}
