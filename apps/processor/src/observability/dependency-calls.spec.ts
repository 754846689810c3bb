import diagnosticsChannel from 'node:diagnostics_channel';
import { Readable } from 'node:stream';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { HttpResponse } from '@smithy/protocol-http';
import type { AwsClients } from '../composition';
import { httpOutcome, recordFetchCalls, recordSdkCalls, sdkErrorOutcome } from './dependency-calls';

type Call = [string, string, string, number];

describe('httpOutcome and sdkErrorOutcome', () => {
  it('classifies 429 as throttled, 5xx as error and any other answer as ok', () => {
    expect([200, 404, 429, 500, 503].map(httpOutcome)).toEqual(['ok', 'ok', 'throttled', 'error', 'error']);
  });

  it('classifies SDK throttling errors by name', () => {
    const named = (name: string) => Object.assign(new Error(name), { name });
    expect(sdkErrorOutcome(named('ThrottlingException'))).toBe('throttled');
    expect(sdkErrorOutcome(named('ProvisionedThroughputExceededException'))).toBe('throttled');
    expect(sdkErrorOutcome(named('ConditionalCheckFailedException'))).toBe('error');
    expect(sdkErrorOutcome('not an error')).toBe('error');
  });
});

describe('recordFetchCalls', () => {
  it('records calls to the named origins from undici\'s diagnostics channels and ignores the others', () => {
    // Prepare
    const calls: Call[] = [];
    let now = 0;
    const unsubscribe = recordFetchCalls({ dependencyCall: (...call) => calls.push(call) }, new Map([['http://127.0.0.1:4011', 'churn']]), () => now);
    const churn = { origin: 'http://127.0.0.1:4011', method: 'POST' };
    const failing = { origin: 'http://127.0.0.1:4011', method: 'POST' };
    const other = { origin: 'http://127.0.0.1:9999', method: 'GET' };

    // Act: what undici publishes for each request.
    diagnosticsChannel.channel('undici:request:create').publish({ request: churn });
    diagnosticsChannel.channel('undici:request:create').publish({ request: failing });
    diagnosticsChannel.channel('undici:request:create').publish({ request: other });
    now = 25;
    diagnosticsChannel.channel('undici:request:headers').publish({ request: churn, response: { statusCode: 429 } });
    diagnosticsChannel.channel('undici:request:headers').publish({ request: other, response: { statusCode: 200 } });
    now = 40;
    diagnosticsChannel.channel('undici:request:error').publish({ request: failing, error: new Error('timeout') });
    unsubscribe();
    diagnosticsChannel.channel('undici:request:create').publish({ request: { ...churn } });

    // Assess
    expect(calls).toEqual([
      ['churn', 'POST', 'throttled', 25],
      ['churn', 'POST', 'error', 40],
    ]);
  });
});

describe('recordSdkCalls', () => {
  function client(statusCode: number, body: string): DynamoDBClient {
    return new DynamoDBClient({
      region: 'us-west-2',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
      requestHandler: { handle: () => Promise.resolve({ response: new HttpResponse({ statusCode, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Readable.from([Buffer.from(body)]) }) }) },
    });
  }

  it('records every SDK operation with its outcome, throttles apart from errors', async () => {
    // Prepare
    const calls: Call[] = [];
    const ok = client(200, '{"TableNames":[]}');
    const throttled = client(400, '{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow down"}');
    const elsewhere = { middlewareStack: { add: () => undefined } };
    for (const dynamodb of [ok, throttled]) recordSdkCalls({ dependencyCall: (...call) => calls.push(call) }, { dynamodb, kinesis: elsewhere, s3: elsewhere } as unknown as AwsClients);

    // Act
    await ok.send(new ListTablesCommand({}));
    await expect(throttled.send(new ListTablesCommand({}))).rejects.toThrow('slow down');

    // Assess
    expect(calls.map(([dependency, operation, outcome]) => [dependency, operation, outcome])).toEqual([
      ['dynamodb', 'ListTables', 'ok'],
      ['dynamodb', 'ListTables', 'throttled'],
    ]);
  });
});
