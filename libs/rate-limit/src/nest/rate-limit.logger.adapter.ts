import { Logger } from '@nestjs/common';
import type { RateLimitLogger } from '../rate-limit.store.js';

/** The store's `{ warn(obj, msg), info(obj, msg) }` on Nest's Logger (which nestjs-pino replaces when installed). */
export function nestRateLimitLogger(context = 'RateLimit'): RateLimitLogger {
  const logger = new Logger(context);
  const line = (obj: Record<string, unknown>, msg: string): string => `${msg} ${JSON.stringify(obj)}`;
  return {
    warn: (obj, msg) => {
      logger.warn(line(obj, msg));
    },
    info: (obj, msg) => {
      logger.log(line(obj, msg));
    },
  };
}
