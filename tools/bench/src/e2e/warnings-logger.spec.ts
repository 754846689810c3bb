import { WarningsLogger } from './warnings-logger';

describe('WarningsLogger', () => {
  it('counts warnings and errors across children and keeps the first ones', () => {
    // Prepare
    const logger = new WarningsLogger(undefined, 2);
    const child = logger.child({ component: 'x' });

    // Act
    logger.info('ignored');
    logger.debug('ignored');
    logger.warn('retrying');
    child.error('failed');
    child.warn('retrying again');

    // Assess
    expect(logger.seen).toEqual({ warnings: 2, errors: 1, first: [{ level: 'warn', message: 'retrying' }, { level: 'error', message: 'failed' }] });
  });
});
