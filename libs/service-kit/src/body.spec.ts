import type { Request } from 'express';
import { z } from 'zod';
import { bodyBytes, decodeJson, decodeJsonBody, toFieldIssues } from './body';
import { HttpError } from './http-error';

const pointSchema = z.object({ x: z.number(), label: z.string().min(1) });

function requestWithBody(body: unknown): Request {
  return { body } as Request;
}

describe('decodeJson', () => {
  it('decodes a body that matches the schema', () => {
    // act
    const point = decodeJson('{"x":1,"label":"a"}', pointSchema);

    // assess
    expect(point).toEqual({ x: 1, label: 'a' });
  });

  it('rejects text that is not JSON with 400 invalid-json', () => {
    // act
    const act = (): unknown => decodeJson('{"x":', pointSchema);

    // assess
    expect(act).toThrow(expect.objectContaining({ status: 400, code: 'invalid-json' }));
  });

  it('rejects a mismatch with 400 naming every field and reason', () => {
    // act
    let error: unknown;
    try {
      decodeJson('{"x":"1","label":""}', pointSchema);
    } catch (caught) {
      error = caught;
    }

    // assess
    expect(error).toBeInstanceOf(HttpError);
    const httpError = error as HttpError;
    expect(httpError.status).toBe(400);
    expect(httpError.code).toBe('validation-failed');
    expect(httpError.message).toMatch(/^x: .*expected number.*; label: .*/);
    expect(httpError.details).toEqual([
      { field: 'x', reason: expect.stringContaining('expected number') },
      { field: 'label', reason: expect.any(String) },
    ]);
  });
});

describe('decodeJsonBody', () => {
  it('reads the raw bytes of the request', () => {
    // act
    const point = decodeJsonBody(requestWithBody(Buffer.from('{"x":2,"label":"b"}')), pointSchema);

    // assess
    expect(point).toEqual({ x: 2, label: 'b' });
  });

  it('rejects a request without a body as invalid JSON', () => {
    // act
    const act = (): unknown => decodeJsonBody(requestWithBody(undefined), pointSchema);

    // assess
    expect(act).toThrow(expect.objectContaining({ status: 400, code: 'invalid-json' }));
  });
});

describe('bodyBytes', () => {
  it('treats a missing body as empty', () => {
    // act
    const bytes = bodyBytes(requestWithBody({}));

    // assess
    expect(bytes.length).toBe(0);
  });
});

describe('toFieldIssues', () => {
  it('names the root "(body)" and nested fields by dotted path', () => {
    // prepare
    const schema = z.object({ instances: z.array(z.object({ job30: z.number() })) });
    const rootError = schema.safeParse(null).error;
    const nestedError = schema.safeParse({ instances: [{ job30: 'x' }] }).error;

    // act
    const root = rootError ? toFieldIssues(rootError) : [];
    const nested = nestedError ? toFieldIssues(nestedError) : [];

    // assess
    expect(root.map((issue) => issue.field)).toEqual(['(body)']);
    expect(nested.map((issue) => issue.field)).toEqual(['instances.0.job30']);
  });
});
