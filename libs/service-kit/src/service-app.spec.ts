import type { Express } from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { z } from 'zod';
import { decodeJsonBody, rawBody } from './body';
import { FaultInjector } from './fault-injector';
import { AwsStyleError } from './http-error';
import { createServiceApp } from './service-app';

const logger = pino({ level: 'silent' });

function createEchoApp(faults = new FaultInjector()): Express {
  return createServiceApp({
    logger,
    faults,
    routes: (app) => {
      app.post('/echo', rawBody(1024 * 1024), (req, res) => {
        res.status(201).json(decodeJsonBody(req, z.object({ name: z.string() })));
      });
      app.get('/aws', () => {
        throw new AwsStyleError(403, 'ForbiddenException', 'Forbidden');
      });
      app.get('/boom', () => {
        throw new Error('secret detail');
      });
    },
  });
}

describe('createServiceApp', () => {
  it('serves the routes it is given', async () => {
    // act
    const response = await request(createEchoApp()).post('/echo').send({ name: 'a' });

    // assess
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ name: 'a' });
  });

  it('answers an unknown route with a JSON 404', async () => {
    // act
    const response = await request(createEchoApp()).get('/nope');

    // assess
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: 'not-found', message: 'no route for GET /nope' } });
  });

  it('rejects a 10 MB body with a JSON 413 and keeps serving', async () => {
    // prepare
    const app = createEchoApp();
    const body = JSON.stringify({ name: 'x'.repeat(10 * 1024 * 1024) });

    // act
    const response = await request(app).post('/echo').set('content-type', 'application/json').send(body);

    // assess
    expect(response.status).toBe(413);
    expect(response.body).toEqual({ error: { code: 'payload-too-large', message: expect.any(String) } });
    expect((await request(app).post('/echo').send({ name: 'after' })).status).toBe(201);
  });

  it('rejects a body that fails validation with a 400 naming the field', async () => {
    // act
    const response = await request(createEchoApp()).post('/echo').send({ name: 7 });

    // assess
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'validation-failed', details: [{ field: 'name', reason: expect.any(String) }] });
  });

  it('answers AWS-style errors in the AWS dialect', async () => {
    // act
    const response = await request(createEchoApp()).get('/aws');

    // assess
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ message: 'Forbidden' });
    expect(response.headers['x-amzn-errortype']).toBe('ForbiddenException');
  });

  it('hides the detail of an unexpected error behind a JSON 500', async () => {
    // act
    const response = await request(createEchoApp()).get('/boom');

    // assess
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ error: { code: 'internal-error', message: 'internal error' } });
  });

  it('gives each request an id, keeping a sane incoming one', async () => {
    // prepare
    const app = createEchoApp();

    // act
    const generated = await request(app).get('/nope');
    const kept = await request(app).get('/nope').set('x-request-id', 'trace-123');
    const replaced = await request(app).get('/nope').set('x-request-id', 'bad id\twith tab');

    // assess
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(kept.headers['x-request-id']).toBe('trace-123');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reads and replaces the fault settings at /admin/faults', async () => {
    // prepare
    const faults = new FaultInjector();
    const app = createEchoApp(faults);

    // act
    const put = await request(app).put('/admin/faults').send({ errorRate: 0.25, errorStatus: 429, seed: 3 });
    const get = await request(app).get('/admin/faults');

    // assess
    expect(put.status).toBe(200);
    expect(get.body).toEqual({ latencyMs: 0, errorRate: 0.25, errorStatus: 429, timeoutRate: 0, timeoutMs: 60_000, resetRate: 0, seed: 3 });
    expect(faults.config.errorRate).toBe(0.25);
  });

  it('rejects bad fault settings with a 400 naming the field', async () => {
    // act
    const response = await request(createEchoApp()).put('/admin/faults').send({ errorStatus: 418 });

    // assess
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/^errorStatus: /);
  });
});
