/**
 * S3 Standard's request price classes: PUT, COPY, POST and LIST requests; GET, SELECT and every
 * other request; DELETE and CANCEL requests, which are free (Amazon S3 pricing, "Requests & data
 * retrievals").
 */
export const S3_REQUEST_CLASSES = ['put-copy-post-list', 'get-and-other', 'free'] as const;
export type S3RequestClass = (typeof S3_REQUEST_CLASSES)[number];

/** Commands sent as PUT, COPY, POST or LIST requests, by name prefix (PutObject, CopyObject, CreateMultipartUpload, ListObjectsV2, …). */
const PUT_COPY_POST_LIST = /^(Put|Copy|Create|Complete|Upload|List|Restore|Post|WriteGetObjectResponse)/;
/** DELETE and CANCEL requests (DeleteObject(s), DeleteBucket…, AbortMultipartUpload). */
const FREE = /^(Delete|Abort)/;

/**
 * The price class of an S3 request by its SDK command name (without `Command`).
 *
 * @example
 * s3RequestClass('PutObject'); // 'put-copy-post-list'
 * s3RequestClass('HeadObject'); // 'get-and-other'
 */
export function s3RequestClass(command: string): S3RequestClass {
  if (FREE.test(command)) return 'free';
  if (PUT_COPY_POST_LIST.test(command)) return 'put-copy-post-list';
  return 'get-and-other';
}
