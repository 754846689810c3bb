import type { AwsCredentialIdentity } from '@smithy/types';
import { createSignedFetch, type SignedFetch, type SignedFetchOptions } from '@tenant-analytics/domain';
import { setupServer, type SetupServer } from 'msw/node';

/** Static SigV4 credentials for unit tests (not a secret: nothing accepts them). */
export const TEST_CREDENTIALS: AwsCredentialIdentity = { accessKeyId: 'AKIDPROCESSORTEST', secretAccessKey: 'processor-test-secret' };

/** A request as an msw handler saw it, body read as text. */
export interface CapturedRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * An msw server for one spec file: listens before the suite (unhandled requests fail the test, so
 * nothing reaches the network), drops per-test handlers and captured requests after each test.
 * Handlers call `capture(request)` to record what they received.
 */
export function useMockHttpServer(): {
  readonly server: SetupServer;
  readonly requests: CapturedRequest[];
  capture(request: Request): Promise<CapturedRequest>;
} {
  const server = setupServer();
  const requests: CapturedRequest[] = [];
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    requests.length = 0;
  });
  afterAll(() => server.close());
  return {
    server,
    requests,
    async capture(request) {
      const captured = {
        method: request.method,
        url: new URL(request.url),
        headers: Object.fromEntries(request.headers),
        body: await request.clone().text(),
      };
      requests.push(captured);
      return captured;
    },
  };
}

/** The signed fetch the runtimes build, with the test credentials and a short per-attempt timeout. */
export function testSignedFetch(service: string, overrides: Partial<SignedFetchOptions> = {}): SignedFetch {
  return createSignedFetch({ service, region: 'us-west-2', credentials: async () => TEST_CREDENTIALS, timeoutMs: 1_000, ...overrides });
}

/** The credential scope an Authorization header must name for `service` (date part left open). */
export function credentialScopePattern(service: string): RegExp {
  return new RegExp(`^AWS4-HMAC-SHA256 Credential=${TEST_CREDENTIALS.accessKeyId}/\\d{8}/us-west-2/${service}/aws4_request, `);
}
