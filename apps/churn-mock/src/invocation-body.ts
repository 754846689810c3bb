import { FEATURE_NAMES, sageMakerJsonRequestSchema } from '@tenant-analytics/domain';
import { decodeJson, HttpError, validationError } from '@tenant-analytics/service-kit';

/** Content types `POST /endpoints/{name}/invocations` accepts (and answers in). */
export const INVOCATION_CONTENT_TYPES = ['text/csv', 'application/json'] as const;
export type InvocationContentType = (typeof INVOCATION_CONTENT_TYPES)[number];

/**
 * The media type of a `Content-Type` header (parameters dropped, lower case).
 *
 * @throws HttpError 415 `unsupported-media-type` for anything but {@link INVOCATION_CONTENT_TYPES}.
 */
export function invocationContentType(header: string | undefined): InvocationContentType {
  const mediaType = (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const supported = INVOCATION_CONTENT_TYPES.find((type) => type === mediaType);
  if (!supported) {
    throw new HttpError(415, 'unsupported-media-type', `content type '${header ?? ''}' is not supported; use ${INVOCATION_CONTENT_TYPES.join(' or ')}`);
  }
  return supported;
}

function invalidRow(row: number, message: string, column?: number): HttpError {
  return new HttpError(400, 'invalid-row', `row ${row}${column === undefined ? '' : `, column ${column}`}: ${message}`, {
    details: { row, ...(column === undefined ? {} : { column, feature: FEATURE_NAMES[column - 1] }) },
  });
}

/**
 * Parses `text/csv` rows of features (`FEATURE_NAMES` order, no header line, one trailing newline
 * allowed). Rows and columns are numbered from 1 in errors.
 *
 * @throws HttpError 400 `invalid-row` naming the row (and column) of the first bad value.
 */
export function parseCsvRows(text: string, featureCount: number = FEATURE_NAMES.length): number[][] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') {
    lines.pop();
  }
  if (lines.length === 0) {
    throw new HttpError(400, 'invalid-row', 'the body has no rows');
  }
  return lines.map((line, index) => {
    const row = index + 1;
    const cells = line.split(',');
    if (cells.length !== featureCount) {
      throw invalidRow(row, `expected ${featureCount} features, got ${line.trim() === '' ? 0 : cells.length}`);
    }
    return cells.map((cell, column) => {
      const value = Number(cell);
      if (cell.trim() === '' || !Number.isFinite(value)) {
        throw invalidRow(row, `'${cell.slice(0, 40)}' is not a finite number`, column + 1);
      }
      return value;
    });
  });
}

/** One probability per line, full precision, no trailing newline. */
export function formatCsvScores(probabilities: readonly number[]): string {
  return probabilities.join('\n');
}

/**
 * Decodes an `application/json` invocation (`{"instances":[{"features":[…]}]}`, Linear Learner
 * shape) into feature vectors.
 *
 * @throws HttpError 400 naming the bad field (`instances.3.features`).
 */
export function parseJsonInstances(text: string, featureCount: number = FEATURE_NAMES.length): number[][] {
  const { instances } = decodeJson(text, sageMakerJsonRequestSchema);
  const wrong = instances.findIndex((instance) => instance.features.length !== featureCount);
  if (wrong >= 0) {
    throw validationError([{ field: `instances.${wrong}.features`, reason: `expected ${featureCount} features, got ${instances[wrong]?.features.length}` }]);
  }
  return instances.map((instance) => instance.features);
}
