import { InvalidArgumentError } from 'commander';
import { parseMetricsPort } from './runner-observability';

describe('parseMetricsPort', () => {
  it('accepts 0 (a free port) to 65535', () => {
    expect(['0', '9464', '65535'].map(parseMetricsPort)).toEqual([0, 9464, 65_535]);
  });

  it.each(['-1', '65536', '1.5', 'abc', ''])('rejects %j naming the flag', (value) => {
    expect(() => parseMetricsPort(value)).toThrow(InvalidArgumentError);
    expect(() => parseMetricsPort(value)).toThrow(/--metrics-port: expected an integer between 0 and 65535/);
  });
});
