import { describeValue, isSecretName, REDACTED, redactUrl, redactValue } from './redaction';

describe('isSecretName', () => {
  it.each(['predictChurnApiKey', 'x-api-key', 'X-Amz-Signature', 'X-Amz-Security-Token', 'clientSecret', 'password'])(
    'treats %s as secret',
    (name) => {
      expect(isSecretName(name)).toBe(true);
    },
  );

  it.each(['aws.region', 'jobs.stream.name', 'S3SinkPath', 'scoring.batch.size'])('treats %s as public', (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});

describe('redactValue', () => {
  it('hides the values of secret keys only', () => {
    expect(redactValue('predictChurnApiKey', 'abc123')).toBe(REDACTED);
    expect(redactValue('aws.region', 'eu-west-1')).toBe('eu-west-1');
  });
});

describe('redactUrl', () => {
  it('removes user info and secret query values, keeping the rest', () => {
    // Act
    const redacted = redactUrl('https://user:pw@api.example.com/prod/assessChurn?api_key=abc&X-Amz-Signature=def&page=2');

    // Assess
    expect(redacted).toBe('https://api.example.com/prod/assessChurn?api_key=***&X-Amz-Signature=***&page=2');
  });

  it('does not echo an unparseable URL', () => {
    expect(redactUrl('not a url with secret=1')).toBe('(invalid URL)');
  });
});

describe('describeValue', () => {
  it('quotes strings and cuts long ones', () => {
    expect(describeValue('abc')).toBe('"abc"');
    const long = describeValue('x'.repeat(500));
    expect(long.length).toBeLessThan(100);
    expect(long).toContain('(500 characters)');
  });

  it('names structured values instead of printing them', () => {
    expect(describeValue({ a: 1 })).toBe('an object');
    expect(describeValue([1])).toBe('an array');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(3)).toBe('3');
    expect(describeValue(undefined)).toBe('undefined');
  });
});
