import { InvalidArgumentError } from 'commander';
import { parseInteger, parseNonNegativeNumber, parsePositiveInt, parsePositiveNumber, parseRate, parseRatio } from './flag-parsers';

describe('flag parsers', () => {
  it('parse good values', () => {
    expect(parsePositiveInt('500')).toBe(500);
    expect(parseInteger('-3')).toBe(-3);
    expect(parsePositiveNumber('0.5')).toBe(0.5);
    expect(parseNonNegativeNumber('0')).toBe(0);
    expect(parseRatio('0.01')).toBe(0.01);
    expect(parseRate('250')).toBe(250);
    expect(parseRate('MAX')).toBe(Number.POSITIVE_INFINITY);
  });

  it.each([
    [parsePositiveInt, '0', /at least 1/],
    [parsePositiveInt, '2.5', /whole number/],
    [parsePositiveInt, '', /expected a number/],
    [parseInteger, '1e30', /whole number/],
    [parsePositiveNumber, '0', /above 0/],
    [parseNonNegativeNumber, '-1', /at least 0/],
    [parseRatio, '1.01', /between 0 and 1/],
    [parseRatio, 'ten', /expected a number, got 'ten'/],
    [parseRate, 'Infinity', /expected a number/],
    [parseRate, 'fast', /expected a number/],
  ])('rejects bad values (%p %p)', (parse, value, message) => {
    expect(() => parse(value)).toThrow(InvalidArgumentError);
    expect(() => parse(value)).toThrow(message);
  });
});
