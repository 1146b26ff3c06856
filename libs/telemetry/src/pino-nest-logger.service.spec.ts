import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from './logging.js';
import { PinoNestLogger } from './pino-nest-logger.service.js';
import { captureLogs } from './telemetry.test-helpers.js';

function nestLogger(level: 'info' | 'trace' = 'info') {
  const logs = captureLogs();
  return { logs, logger: new PinoNestLogger(createLogger({ serviceName: 'svc', level, destination: logs })) };
}

afterEach(() => {
  Logger.overrideLogger(false);
});

describe('PinoNestLogger', () => {
  it('maps Nest levels onto pino levels and the trailing argument onto context', () => {
    const { logs, logger } = nestLogger('trace');
    logger.log('ready', 'Bootstrap');
    logger.warn('slow', 'Scheduler');
    logger.verbose('details');
    logger.fatal('gone', 'Main');
    expect(logs.lines.map((l) => [l['level'], l['msg'], l['context']])).toEqual([
      ['info', 'ready', 'Bootstrap'],
      ['warn', 'slow', 'Scheduler'],
      ['trace', 'details', undefined],
      ['fatal', 'gone', 'Main'],
    ]);
  });

  it('keeps the stack Nest passes with an error apart from the message', () => {
    const { logs, logger } = nestLogger();
    const error = new Error('database refused');
    logger.error('could not connect', error.stack, 'TypeOrmModule');
    expect(logs.lines[0]).toMatchObject({ level: 'error', msg: 'could not connect', context: 'TypeOrmModule' });
    expect(logs.lines[0]?.['stack']).toContain('database refused\n    at ');
  });

  it('serialises an Error message and merges an object message into the line', () => {
    const { logs, logger } = nestLogger();
    logger.error(new Error('boom'), 'Worker');
    logger.log({ msg: 'stage done', stage: 'sft' }, 'Runner');
    expect(logs.lines[0]).toMatchObject({ msg: 'boom', context: 'Worker', err: { type: 'Error', message: 'boom' } });
    expect(logs.lines[1]).toMatchObject({ msg: 'stage done', stage: 'sft', context: 'Runner' });
  });

  it('drops lines below the configured level', () => {
    const { logs, logger } = nestLogger('info');
    logger.debug('noise', 'X');
    logger.verbose('more noise', 'X');
    expect(logs.lines).toEqual([]);
  });

  it('receives the lines of Nest Logger instances once installed as the app logger', () => {
    const { logs, logger } = nestLogger();
    Logger.overrideLogger(logger);
    new Logger('RunsService').log('reconciled 3 runs');
    expect(logs.lines[0]).toMatchObject({ msg: 'reconciled 3 runs', context: 'RunsService' });
  });
});
