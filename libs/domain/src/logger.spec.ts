import { pino } from 'pino';
import { pinoLogger } from './logger';

describe('pinoLogger', () => {
  it('writes the message and the fields of each call, with a child\'s bindings', () => {
    // Prepare
    const lines: Record<string, unknown>[] = [];
    const base = pino({ level: 'debug' }, { write: (text: string) => lines.push(JSON.parse(text) as Record<string, unknown>) });
    const logger = pinoLogger(base).child({ component: 'kinesis' });

    // Act
    logger.info('child ready', { port: 4567 });
    logger.debug('child output');
    logger.warn('slow', { ms: 5 });
    logger.error('failed', { code: 1 });

    // Assess
    expect(lines.map(({ msg, level, component, port, ms, code }) => ({ msg, level, component, port, ms, code }))).toEqual([
      { msg: 'child ready', level: 30, component: 'kinesis', port: 4567, ms: undefined, code: undefined },
      { msg: 'child output', level: 20, component: 'kinesis', port: undefined, ms: undefined, code: undefined },
      { msg: 'slow', level: 40, component: 'kinesis', port: undefined, ms: 5, code: undefined },
      { msg: 'failed', level: 50, component: 'kinesis', port: undefined, ms: undefined, code: 1 },
    ]);
  });
});
