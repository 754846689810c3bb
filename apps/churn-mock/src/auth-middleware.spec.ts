import { FaultInjector, createServiceApp, rawBody, startServer, type ServerHandle } from '@tenant-analytics/service-kit';
import { pino } from 'pino';
import { requireApiKey, requireSigV4 } from './auth-middleware';
import { CredentialStore, LOCAL_TEST_CREDENTIALS } from './credential-store';
import { signRequest } from './testing/sign-request';

const logger = pino({ level: 'silent' });

describe('auth middleware', () => {
  let handle: ServerHandle;

  beforeAll(async () => {
    const app = createServiceApp({
      logger,
      faults: new FaultInjector(),
      routes: (routes) => {
        routes.post('/signed/:name', rawBody(), requireSigV4({ credentials: new CredentialStore(LOCAL_TEST_CREDENTIALS), region: 'us-west-2', service: 'execute-api' }), (_req, res) => {
          res.json({ ok: true });
        });
        routes.get('/keyed', requireApiKey('k3y'), (_req, res) => {
          res.json({ ok: true });
        });
      },
    });
    handle = await startServer(app, { port: 0, logger });
  });

  afterAll(async () => {
    await handle.close();
  });

  describe('requireSigV4', () => {
    it('verifies the raw path and query as sent', async () => {
      // prepare
      const url = `${handle.url}/signed/a%20b?z=1&a=x%2Fy&a=2`;
      const headers = await signRequest({ url, body: '{}', service: 'execute-api' });

      // act
      const response = await fetch(url, { method: 'POST', headers, body: '{}' });

      // assess
      expect(response.status).toBe(200);
    });

    it('rejects the same signature on another query', async () => {
      // prepare
      const url = `${handle.url}/signed/x?page=1`;
      const headers = await signRequest({ url, body: '{}', service: 'execute-api' });

      // act
      const response = await fetch(`${handle.url}/signed/x?page=2`, { method: 'POST', headers, body: '{}' });

      // assess
      expect(response.status).toBe(403);
      expect(response.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    });
  });

  describe('requireApiKey', () => {
    it.each([
      [undefined, 403],
      ['k3', 403],
      ['k3z', 403],
      ['k3y', 200],
    ])('answers x-api-key %s with %d', async (apiKey, status) => {
      // act
      const response = await fetch(`${handle.url}/keyed`, { headers: apiKey === undefined ? {} : { 'x-api-key': apiKey } });

      // assess
      expect(response.status).toBe(status);
      if (status === 403) {
        expect(await response.json()).toEqual({ message: 'Forbidden' });
        expect(response.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
      }
    });
  });
});
