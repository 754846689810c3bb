import { s3RequestClass } from './s3-request-class';

describe('s3RequestClass', () => {
  it.each([
    ['PutObject', 'put-copy-post-list'],
    ['CopyObject', 'put-copy-post-list'],
    ['CreateMultipartUpload', 'put-copy-post-list'],
    ['UploadPart', 'put-copy-post-list'],
    ['CompleteMultipartUpload', 'put-copy-post-list'],
    ['ListObjectsV2', 'put-copy-post-list'],
    ['ListBuckets', 'put-copy-post-list'],
    ['GetObject', 'get-and-other'],
    ['HeadObject', 'get-and-other'],
    ['HeadBucket', 'get-and-other'],
    ['SelectObjectContent', 'get-and-other'],
    ['DeleteObject', 'free'],
    ['DeleteObjects', 'free'],
    ['AbortMultipartUpload', 'free'],
  ])('puts %s in the %s class', (command, expected) => {
    // Act & assess
    expect(s3RequestClass(command)).toBe(expected);
  });
});
