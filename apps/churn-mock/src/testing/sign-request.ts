import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { CredentialPair } from '../credential-store';
import { parseQuery } from '../sigv4-verifier';

/** A request to sign for a test, and how. */
export interface RequestToSign {
  readonly url: string;
  readonly method?: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly service: string;
  readonly region?: string;
  readonly credentials?: CredentialPair;
  /** @default - now */
  readonly signingDate?: Date;
}

/**
 * The headers an AWS SDK would send for `request` (Authorization, X-Amz-Date, X-Amz-Content-Sha256
 * and the given ones), without `host` (fetch derives it from the URL, which is what was signed).
 * Tests then tamper with them or with the body to check that the mock refuses.
 */
export async function signRequest(request: RequestToSign): Promise<Record<string, string>> {
  const url = new URL(request.url);
  const signer = new SignatureV4({
    service: request.service,
    region: request.region ?? 'us-west-2',
    credentials: request.credentials ?? { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    sha256: Sha256,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method ?? 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: parseQuery(url.search.slice(1)),
      headers: { ...request.headers, host: url.host },
      body: request.body,
    }),
    { signingDate: request.signingDate },
  );
  const { host: _host, ...headers } = signed.headers;
  return headers;
}
