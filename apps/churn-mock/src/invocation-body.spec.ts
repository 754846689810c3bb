import { FEATURE_NAMES } from '@tenant-analytics/domain';
import { HttpError } from '@tenant-analytics/service-kit';
import { formatCsvScores, invocationContentType, parseCsvRows, parseJsonInstances } from './invocation-body';

const row = (value: number): number[] => FEATURE_NAMES.map((_, index) => value + index);

function thrown(act: () => unknown): HttpError {
  try {
    act();
  } catch (error) {
    if (error instanceof HttpError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an HttpError');
}

describe('parseCsvRows', () => {
  it('parses rows of 15 numbers, with a trailing newline or CRLF', () => {
    // prepare
    const text = `${row(1).join(',')}\r\n${row(2).join(',')}\n`;

    // act
    const rows = parseCsvRows(text);

    // assess
    expect(rows).toEqual([row(1), row(2)]);
  });

  it('rejects a row with the wrong number of features naming the row', () => {
    // prepare
    const text = `${row(1).join(',')}\n${row(2).slice(1).join(',')}\n${row(3).join(',')}`;

    // act
    const error = thrown(() => parseCsvRows(text));

    // assess
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid-row');
    expect(error.message).toBe('row 2: expected 15 features, got 14');
    expect(error.details).toEqual({ row: 2 });
  });

  it('rejects a value that is not a number naming the row, column and feature', () => {
    // prepare
    const bad = row(1).map(String);
    bad[4] = 'abc';

    // act
    const error = thrown(() => parseCsvRows(`${row(0).join(',')}\n${bad.join(',')}`));

    // assess
    expect(error.message).toBe("row 2, column 5: 'abc' is not a finite number");
    expect(error.details).toEqual({ row: 2, column: 5, feature: 'monthlyFee' });
  });

  it('rejects an empty body', () => {
    // act
    const error = thrown(() => parseCsvRows(''));

    // assess
    expect(error.message).toBe('the body has no rows');
  });

  it('rejects an empty value and a blank line in the middle', () => {
    // prepare
    const empty = row(1).map(String);
    empty[0] = '';

    // act
    const emptyCell = thrown(() => parseCsvRows(empty.join(',')));
    const blankLine = thrown(() => parseCsvRows(`${row(1).join(',')}\n\n${row(1).join(',')}`));

    // assess
    expect(emptyCell.message).toBe("row 1, column 1: '' is not a finite number");
    expect(blankLine.message).toBe('row 2: expected 15 features, got 0');
  });
});

describe('formatCsvScores', () => {
  it('writes one probability per line at full precision', () => {
    // assess
    expect(formatCsvScores([0.1234567891234, 1])).toBe('0.1234567891234\n1');
  });
});

describe('invocationContentType', () => {
  it('accepts text/csv and application/json with parameters and any case', () => {
    // assess
    expect(invocationContentType('text/csv; charset=utf-8')).toBe('text/csv');
    expect(invocationContentType('Application/JSON')).toBe('application/json');
  });

  it.each([['text/plain'], [undefined], ['application/x-recordio-protobuf']])('rejects %s with 415', (header) => {
    // act
    const error = thrown(() => invocationContentType(header));

    // assess
    expect(error.status).toBe(415);
    expect(error.code).toBe('unsupported-media-type');
  });
});

describe('parseJsonInstances', () => {
  it('reads the feature vectors of the Linear Learner shape', () => {
    // act
    const rows = parseJsonInstances(JSON.stringify({ instances: [{ features: row(1) }, { features: row(2) }] }));

    // assess
    expect(rows).toEqual([row(1), row(2)]);
  });

  it('rejects a vector of the wrong length naming the instance', () => {
    // act
    const error = thrown(() => parseJsonInstances(JSON.stringify({ instances: [{ features: row(1) }, { features: [1, 2] }] })));

    // assess
    expect(error.status).toBe(400);
    expect(error.details).toEqual([{ field: 'instances.1.features', reason: 'expected 15 features, got 2' }]);
  });

  it('rejects a body without instances', () => {
    // act
    const error = thrown(() => parseJsonInstances('{"features":[1]}'));

    // assess
    expect(error.code).toBe('validation-failed');
    expect(error.message).toMatch(/^instances: /);
  });
});
