import {
  ConfigError,
  DomainError,
  HttpNetworkError,
  HttpStatusError,
  HttpTimeoutError,
  isRetriable,
  MAX_BODY_EXCERPT_CHARS,
  ResponseDecodeError,
} from './errors';

describe('DomainError', () => {
  it('forwards the cause, freezes the context and names itself after its class', () => {
    // Prepare
    const cause = new Error('socket hang up');

    // Act
    const err = new HttpNetworkError({ method: 'post', url: 'https://api.example.com/x', code: 'ECONNRESET' }, { cause });

    // Assess
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('HttpNetworkError');
    expect(err.cause).toBe(cause);
    expect(err.context).toEqual({ method: 'POST', url: 'https://api.example.com/x', code: 'ECONNRESET' });
    expect(Object.isFrozen(err.context)).toBe(true);
    expect(err.message).toBe('POST https://api.example.com/x failed: ECONNRESET');
  });

  it('is not retriable unless told so', () => {
    expect(new DomainError('boom').retriable).toBe(false);
    expect(new DomainError('boom', { retriable: true }).retriable).toBe(true);
    expect(new DomainError('boom')).not.toHaveProperty('cause');
  });
});

describe('HttpStatusError', () => {
  it.each([
    [408, true],
    [429, true],
    [500, true],
    [503, true],
    [400, false],
    [403, false],
    [404, false],
  ])('marks HTTP %i retriable=%s', (status, retriable) => {
    expect(new HttpStatusError({ method: 'GET', url: 'http://h/x', status }).retriable).toBe(retriable);
  });

  it('keeps a bounded body excerpt and strips secrets from the URL', () => {
    // Act
    const err = new HttpStatusError({
      method: 'GET',
      url: 'https://h/tenants/1?X-Amz-Signature=abc&token=t',
      status: 502,
      body: 'b'.repeat(2000),
    });

    // Assess
    expect(err.bodyExcerpt).toHaveLength(MAX_BODY_EXCERPT_CHARS);
    expect(err.message).not.toContain('abc');
    expect(err.message).not.toContain('token=t');
    expect(err.context['url']).toBe('https://h/tenants/1?X-Amz-Signature=***&token=***');
    expect(err.status).toBe(502);
  });
});

describe('HttpTimeoutError', () => {
  it('is retriable and says how long it waited', () => {
    const err = new HttpTimeoutError({ method: 'POST', url: 'http://h/p', timeoutMs: 250 });
    expect(err.retriable).toBe(true);
    expect(err.message).toBe('POST http://h/p timed out after 250 ms');
  });
});

describe('ResponseDecodeError', () => {
  it('is never retriable', () => {
    expect(new ResponseDecodeError('predictions missing', { context: { url: 'http://h' } }).retriable).toBe(false);
  });
});

describe('ConfigError', () => {
  it('lists every issue and redacts secret values', () => {
    // Act
    const err = new ConfigError([
      { key: 'jobs.stream.initial.position', problem: 'invalid', value: 'EARLIEST', expected: 'one of LATEST, TRIM_HORIZON, AT_TIMESTAMP' },
      { key: 'predictChurnApiKey', problem: 'invalid', value: 'super-secret-value', expected: 'no spaces' },
      { key: 'S3SinkPath', problem: 'missing', expected: 's3://bucket/prefix' },
      { key: 'jobs.stream.nmae', problem: 'unknown', value: 'x', expected: 'did you mean jobs.stream.name?' },
    ]);

    // Assess
    expect(err.message).toBe(
      [
        'Invalid configuration (4 problems):',
        '  - jobs.stream.initial.position = "EARLIEST": expected one of LATEST, TRIM_HORIZON, AT_TIMESTAMP',
        '  - predictChurnApiKey = "***": expected no spaces',
        '  - S3SinkPath is required: expected s3://bucket/prefix',
        '  - unknown key jobs.stream.nmae (did you mean jobs.stream.name?)',
      ].join('\n'),
    );
    expect(JSON.stringify(err.issues)).not.toContain('super-secret-value');
    expect(err.retriable).toBe(false);
  });
});

describe('isRetriable', () => {
  it('follows the flag of domain errors and of foreign errors that carry one', () => {
    expect(isRetriable(new HttpTimeoutError({ method: 'GET', url: 'http://h', timeoutMs: 1 }))).toBe(true);
    expect(isRetriable(new ResponseDecodeError('bad'))).toBe(false);
    expect(isRetriable(Object.assign(new Error('x'), { retriable: true }))).toBe(true);
  });

  it('rejects everything else as not retriable', () => {
    expect(isRetriable(new TypeError('x is undefined'))).toBe(false);
    expect(isRetriable('string')).toBe(false);
    expect(isRetriable(null)).toBe(false);
    expect(isRetriable({ retriable: 'yes' })).toBe(false);
  });
});
