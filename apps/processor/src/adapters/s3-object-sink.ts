import { PutObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { DependencyUnavailableError, ProcessorError } from '../core/errors';
import type { ObjectSink } from '../core/ports';

/** S3 (or s3rver) as the object sink. The SDK retries transient failures itself first. */
export class S3ObjectSink implements ObjectSink {
  constructor(private readonly client: S3Client) {}

  async put(bucket: string, key: string, body: Uint8Array, contentType: string, contentEncoding?: string): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          ...(contentEncoding === undefined ? {} : { ContentEncoding: contentEncoding }),
        }),
      );
    } catch (error) {
      const context = { bucket, key };
      if (error instanceof S3ServiceException && error.$fault === 'client' && error.$retryable === undefined) {
        throw new ProcessorError(`S3 PutObject s3://${bucket}/${key} failed: ${error.name}: ${error.message}`, { retriable: false, context, cause: error });
      }
      throw new DependencyUnavailableError(`S3 PutObject s3://${bucket}/${key} failed: ${String(error)}`, context, error);
    }
  }
}
