import { LogCapture, newSuiteSecrets, scanForSecrets } from './log-scan';

describe('LogCapture', () => {
  it('keeps non-blank lines with their source, also from its pino logger', () => {
    const capture = new LogCapture();

    capture.add('runner#1', 'first\n\n  \nsecond\n');
    capture.logger('stack').info('ready', { port: 1 });

    expect(capture.lines.map(({ source }) => source)).toEqual(['runner#1', 'runner#1', 'stack']);
    expect(capture.lines[2]?.line).toMatch(/"msg":"ready"/);
  });
});

describe('newSuiteSecrets', () => {
  it('hands out distinct random secrets on each call', () => {
    const [a, b] = [newSuiteSecrets(), newSuiteSecrets()];

    expect(a.apiKey).not.toBe(b.apiKey);
    expect(a.rotated.secretAccessKey).not.toBe(b.rotated.secretAccessKey);
    expect(a.rotated.accessKeyId).toMatch(/^AKIA[0-9A-Z]+$/);
  });
});

describe('scanForSecrets', () => {
  const known = { apiKey: 'chaosapikey123456' };
  const scan = (line: string) => scanForSecrets([{ source: 's', line }], known).map(({ kind }) => kind);

  it('finds a known secret verbatim and masks it in the excerpt', () => {
    const [finding] = scanForSecrets([{ source: 'runner#2', line: '{"msg":"calling","key":"chaosapikey123456"}' }], known);

    expect(finding).toMatchObject({ source: 'runner#2', kind: 'known secret: apiKey' });
    expect(finding?.excerpt).not.toContain('chaosapikey123456');
    expect(finding?.excerpt).toContain('<SECRET>');
  });

  it('finds unredacted secret fields, SigV4 headers and secrets on command lines', () => {
    expect(scan('{"credentials":{"accessKeyId":"S3RVER","secretAccessKey":"S3RVER"}}')).toEqual(['field secretAccessKey']);
    expect(scan('{"x-api-key":"abc"}')).toEqual(['field x-api-key']);
    expect(scan('authorization: AWS4-HMAC-SHA256 Credential=S3RVER/20261120/us-west-2/execute-api/aws4_request')).toEqual(['SigV4 Authorization header']);
    expect(scan(`Signature=${'ab'.repeat(32)}`)).toEqual(['SigV4 signature']);
    expect(scan('"args":["--secret-access-key","S3RVER"]')).toEqual(['secret on a command line']);
  });

  it('accepts redacted values, ids and ordinary lines', () => {
    expect(scan('{"apiKey":"***","secretAccessKey":"[Redacted]","authorization":"***"}')).toEqual([]);
    expect(scan('{"accessKeyId":"S3RVER","partitionKey":"comp_1","maxKeys":10}')).toEqual([]);
    expect(scan('"args":["--secret-access-key","***"]')).toEqual([]);
    expect(scan('{"msg":"processor running"}')).toEqual([]);
  });
});
