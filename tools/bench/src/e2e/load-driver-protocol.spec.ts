import { driverCommandSchema, driverReplySchema } from './load-driver-protocol';

describe('driverCommandSchema', () => {
  it('reads a step command and rejects one without a rate', () => {
    // Act & assess
    expect(driverCommandSchema.parse({ type: 'step', rate: 1_000, seconds: 15, drain: { timeoutMs: 1, stallMs: 1 } })).toMatchObject({ type: 'step', rate: 1_000 });
    expect(driverCommandSchema.safeParse({ type: 'step', seconds: 15, drain: { timeoutMs: 1, stallMs: 1 } }).success).toBe(false);
  });

  it('reads the tenant mix of a start command', () => {
    // Prepare
    const start = {
      type: 'start',
      kinesis: { endpoint: 'http://127.0.0.1:1', region: 'us-west-2', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
      inputStream: 'bigdatajobs',
      outputStream: 'enrichedcompanies',
      companies: 10,
      mix: { kind: 'zipf', exponent: 1.1 },
      slots: 100,
      processes: { processor: 1 },
      label: 'zipf',
    };

    // Act & assess
    expect(driverCommandSchema.parse(start)).toMatchObject({ mix: { kind: 'zipf', exponent: 1.1 } });
    expect(driverCommandSchema.safeParse({ ...start, mix: { kind: 'pareto' } }).success).toBe(false);
  });
});

describe('driverReplySchema', () => {
  it('reads an error reply and rejects an unknown type', () => {
    // Act & assess
    expect(driverReplySchema.parse({ type: 'error', message: 'boom' })).toEqual({ type: 'error', message: 'boom' });
    expect(driverReplySchema.safeParse({ type: 'done' }).success).toBe(false);
  });
});
