import { AwsStyleError, HttpError } from './http-error';

describe('HttpError', () => {
  it('answers in the shared JSON shape and marks 5xx and 429 retriable', () => {
    // prepare
    const notFound = new HttpError(404, 'not-found', 'tenant comp_1 not found');
    const throttled = new HttpError(429, 'too-many-requests', 'slow down');

    // act
    const body = notFound.toBody();

    // assess
    expect(body).toEqual({ error: { code: 'not-found', message: 'tenant comp_1 not found' } });
    expect(notFound.retriable).toBe(false);
    expect(throttled.retriable).toBe(true);
  });

  it('echoes details and keeps the cause', () => {
    // prepare
    const cause = new Error('zod');

    // act
    const error = new HttpError(400, 'validation-failed', 'revenu: expected number', { cause, details: [{ field: 'revenu' }] });

    // assess
    expect(error.toBody()).toEqual({ error: { code: 'validation-failed', message: 'revenu: expected number', details: [{ field: 'revenu' }] } });
    expect(error.cause).toBe(cause);
  });
});

describe('AwsStyleError', () => {
  it('answers with a message body and the x-amzn-ErrorType header', () => {
    // act
    const error = new AwsStyleError(403, 'InvalidSignatureException', 'The request signature we calculated does not match');

    // assess
    expect(error.toBody()).toEqual({ message: 'The request signature we calculated does not match' });
    expect(error.headers).toEqual({ 'x-amzn-ErrorType': 'InvalidSignatureException' });
    expect(error.status).toBe(403);
  });
});
