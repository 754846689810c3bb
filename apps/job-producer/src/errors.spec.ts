import { StreamWriteError } from '@tenant-analytics/kinesis-writer';
import { CredentialsError, EndpointUnreachableError, ProducerError, StreamNotFoundError, translateKinesisError } from './errors';

const target = { streamName: 'jobs', endpoint: 'http://127.0.0.1:4567' };
const sdkError = (name: string, message = 'failed', extra: object = {}) => Object.assign(new Error(message), { name, ...extra });

describe('translateKinesisError', () => {
  it.each([
    [sdkError('ResourceNotFoundException'), StreamNotFoundError, /Stream jobs at http:\/\/127\.0\.0\.1:4567 not found/],
    [sdkError('CredentialsProviderError', 'Could not load credentials from any providers'), CredentialsError, /No AWS credentials found/],
    [sdkError('UnrecognizedClientException'), CredentialsError, /refused the credentials/],
    [sdkError('AccessDeniedException'), CredentialsError, /refused the credentials/],
    [sdkError('Error', 'Region is missing'), CredentialsError, /pass --region or set AWS_REGION/],
    [sdkError('Error', 'connect ECONNREFUSED 127.0.0.1:4567', { code: 'ECONNREFUSED' }), EndpointUnreachableError, /Cannot reach jobs at http:\/\/127\.0\.0\.1:4567 \(ECONNREFUSED\)/],
    [sdkError('InternalFailure', 'boom'), ProducerError, /Kinesis call for jobs .* failed: InternalFailure: boom/],
  ])('translates %s', (error, type, message) => {
    const translated = translateKinesisError(error, target);

    expect(translated).toBeInstanceOf(type);
    expect(translated.message).toMatch(message);
    expect(translated.cause).toBe(error);
    expect(translated.context).toMatchObject({ streamName: 'jobs' });
  });

  it('keeps rejected entries retriable and says no accepted record was re-sent', () => {
    const error = new StreamWriteError('3 record(s) still rejected', { streamName: 'jobs', failedEntries: 3, errorCodes: ['InternalFailure'] });

    const translated = translateKinesisError(error, target);

    expect(translated).toMatchObject({ retriable: true, context: { failedEntries: 3 } });
    expect(translated.message).toMatch(/no accepted record was sent twice/);
  });

  it('names the AWS endpoint when there is no custom one, and passes its own errors through', () => {
    const own = new StreamNotFoundError('gone');

    expect(translateKinesisError(sdkError('ResourceNotFoundException'), { streamName: 'jobs' }).message).toMatch(/the AWS regional endpoint/);
    expect(translateKinesisError(own, target)).toBe(own);
  });
});
