import { describe, expect, it } from 'vitest';
import { LogCapture } from '@meshway/testing';
import { createLogger, LoggingErrorCode } from './index.js';

function withEnv<T>(vars: Record<string, string>, run: () => T): T {
  const previous = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  Object.assign(process.env, vars);
  try {
    return run();
  } finally {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) Reflect.deleteProperty(process.env, key);
      else process.env[key] = value;
    }
  }
}

describe('createLogger', () => {
  it('writes JSON lines carrying the service, a level label and an ISO time', () => {
    const capture = new LogCapture();
    createLogger({ service: 'registry', destination: capture, level: 'info', pretty: false }).info({ port: 8500 }, 'listening');
    const [line] = capture.lines();
    expect(line).toMatchObject({ service: 'registry', level: 'info', msg: 'listening', port: 8500 });
    expect(line?.['time']).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('redacts credentials in request and response headers, and the extra paths given', () => {
    const capture = new LogCapture();
    const logger = createLogger({ service: 'gateway', destination: capture, level: 'info', pretty: false, redact: ['body.password'] });
    logger.info({
      req: { headers: { authorization: 'Bearer t0k3n', cookie: 'sid=s3ss', 'x-api-key': 'k3y', accept: 'json' } },
      res: { headers: { 'set-cookie': 'sid=n3w' } },
      body: { user: 'ann', password: 'hunter2' },
    });
    const text = capture.text();
    for (const secret of ['t0k3n', 's3ss', 'k3y', 'n3w', 'hunter2']) expect(text).not.toContain(secret);
    expect(capture.lines()[0]).toMatchObject({
      req: { headers: { authorization: '[Redacted]', cookie: '[Redacted]', 'x-api-key': '[Redacted]', accept: 'json' } },
      body: { user: 'ann', password: '[Redacted]' },
    });
  });

  it('honours the level, defaulting to LOG_LEVEL', () => {
    const capture = new LogCapture();
    withEnv({ LOG_LEVEL: 'warn' }, () => {
      const logger = createLogger({ service: 's', destination: capture, pretty: false });
      logger.info('hidden');
      logger.warn('shown');
    });
    expect(capture.lines().map((l) => l['msg'])).toEqual(['shown']);
  });

  it('says a bad level came from LOG_LEVEL', () => {
    expect(() => withEnv({ LOG_LEVEL: 'loud' }, () => createLogger({ service: 's' }))).toThrow(
      'Invalid logging option level (from LOG_LEVEL)="loud": expected one of trace, debug, info, warn, error, fatal, silent',
    );
  });

  it('writes pretty lines when LOG_PRETTY asks, even to a pipe', () => {
    const capture = new LogCapture();
    withEnv({ LOG_PRETTY: 'true' }, () => {
      createLogger({ service: 'dev', destination: capture, level: 'info' }).info('pretty please');
    });
    expect(capture.text()).toMatch(/INFO.*pretty please/);
    expect(() => withEnv({ LOG_PRETTY: 'maybe' }, () => createLogger({ service: 's' }))).toThrow(
      'Invalid logging option pretty (from LOG_PRETTY)="maybe": expected true, false, 1 or 0',
    );
  });

  it('writes human-readable lines when pretty', () => {
    const capture = new LogCapture();
    createLogger({ service: 'dev', destination: capture, pretty: true, level: 'info' }).info('hello there');
    expect(capture.text()).toMatch(/INFO.*hello there/);
    expect(capture.lines()).toEqual([]);
  });

  it.each([
    [{ service: '' }, 'Invalid logging option service="": expected a non-empty name'],
    [{ service: 's', level: 'loud' }, 'Invalid logging option level="loud": expected one of trace, debug, info, warn, error, fatal, silent'],
    [{ service: 's', redact: 'password' as unknown as string[] }, 'Invalid logging option redact="password": expected a list of paths such as body.password'],
  ])('rejects bad options naming the option, the value and what is allowed: %j', (options, message) => {
    expect(() => createLogger(options)).toThrow(expect.objectContaining({ code: LoggingErrorCode.InvalidOptions, message }));
  });
});
