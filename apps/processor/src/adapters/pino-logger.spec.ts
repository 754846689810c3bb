import { z } from 'zod';
import { createLogger } from './pino-logger';

const SECRETS = ['AKIDSECRETACCESSKEY', 'wJalrXUtnFEMI-secret', 'session-token-value', 'api-key-value', 'AWS4-HMAC-SHA256 Credential=abc', 'x-api-key-value', 'predict-key-value'];

/** A logger writing to memory: the raw lines, and each line decoded. */
function capturedLogger(level = 'debug') {
  const lines: string[] = [];
  const logger = createLogger(level, {}, { write: (line: string) => void lines.push(line) });
  const entries = () => lines.map((line) => z.record(z.string(), z.unknown()).parse(JSON.parse(line)));
  return { logger, lines, entries };
}

describe('createLogger', () => {
  it('writes one JSON line per call: message, fields, level and the processor name', () => {
    // Prepare
    const { logger, entries } = capturedLogger();

    // Act
    logger.info('batch processed', { laneId: 'bigdatajobs/shardId-000000000000', enriched: 3 });
    logger.warn('retrying', { attempt: 2 });

    // Assess
    expect(entries()).toEqual([
      expect.objectContaining({ level: 30, name: 'processor', msg: 'batch processed', laneId: 'bigdatajobs/shardId-000000000000', enriched: 3 }),
      expect.objectContaining({ level: 40, msg: 'retrying', attempt: 2 }),
    ]);
  });

  it('adds a child logger bindings to each of its lines, not to the parent', () => {
    // Prepare
    const { logger, entries } = capturedLogger();
    const child = logger.child({ component: 'churn-scoring' });

    // Act
    child.error('breaker open', { state: 'open' });
    logger.info('unrelated');

    // Assess
    expect(entries()[0]).toMatchObject({ level: 50, component: 'churn-scoring', state: 'open', msg: 'breaker open' });
    expect(entries()[1]).not.toHaveProperty('component');
  });

  it('drops lines below the configured level', () => {
    // Prepare
    const { logger, entries } = capturedLogger('info');

    // Act
    logger.debug('noise');
    logger.info('kept');

    // Assess
    expect(entries().map((entry) => entry['msg'])).toEqual(['kept']);
  });

  it('never writes credentials, api keys or authorization headers, at the top level or up to two levels down', () => {
    // Prepare
    const { logger, lines, entries } = capturedLogger();
    const [accessKeyId, secretAccessKey, sessionToken, apiKey, authorization, xApiKey, predictChurnApiKey] = SECRETS;

    // Act
    logger.info('top level', { credentials: { accessKeyId, secretAccessKey }, apiKey, authorization, secretAccessKey, sessionToken, predictChurnApiKey });
    logger.info('nested', { client: { credentials: { accessKeyId } }, headers: { authorization, 'x-api-key': xApiKey }, config: { apiKey, predictChurnApiKey } });
    logger.child({ credentials: { secretAccessKey } }).info('child bindings');
    logger.info('request', { req: { headers: { authorization, 'x-api-key': xApiKey }, url: '/assessChurn' }, aws: { config: { credentials: { sessionToken } } } });

    // Assess
    const output = lines.join('');
    for (const secret of SECRETS) expect(output).not.toContain(secret);
    expect(entries()[0]).toMatchObject({ credentials: '***', apiKey: '***', authorization: '***', secretAccessKey: '***', sessionToken: '***', predictChurnApiKey: '***' });
    expect(entries()[1]).toMatchObject({ client: { credentials: '***' }, headers: { authorization: '***', 'x-api-key': '***' }, config: { apiKey: '***' } });
    expect(entries()[2]).toMatchObject({ credentials: '***', msg: 'child bindings' });
    expect(entries()[3]).toMatchObject({ req: { headers: { authorization: '***', 'x-api-key': '***' }, url: '/assessChurn' }, aws: { config: { credentials: '***' } } });
  });
});
