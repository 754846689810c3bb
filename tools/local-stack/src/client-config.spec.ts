import { NodeHttpHandler } from '@smithy/node-http-handler';
import { clientConfig, type ClientEndpoints } from './client-config';

describe('clientConfig', () => {
  const endpoints: ClientEndpoints = {
    region: 'eu-west-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    kinesis: 'http://127.0.0.1:1001',
    s3: 'http://127.0.0.1:1002',
    dynamodb: 'http://127.0.0.1:1003',
  };

  it('gives Kinesis an HTTP/1.1 handler, since the emulators reject HTTP/2', () => {
    // Act
    const config = clientConfig(endpoints, 'kinesis');

    // Assess
    expect(config).toMatchObject({ endpoint: 'http://127.0.0.1:1001', region: 'eu-west-1', credentials: endpoints.credentials });
    expect(config.requestHandler).toBeInstanceOf(NodeHttpHandler);
  });

  it('gives S3 path-style addressing', () => {
    expect(clientConfig(endpoints, 's3')).toMatchObject({ endpoint: 'http://127.0.0.1:1002', forcePathStyle: true });
  });

  it('gives DynamoDB its endpoint, region and the local credentials', () => {
    expect(clientConfig(endpoints, 'dynamodb')).toEqual({
      endpoint: 'http://127.0.0.1:1003',
      region: 'eu-west-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
  });
});
