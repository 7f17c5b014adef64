import { Logger } from '@nestjs/common';
import type { EventsLogger } from '../index.js';

/** Events' logger on Nest's `Logger` (context `Events`), for apps that give none. */
export function nestEventsLogger(): EventsLogger {
  const logger = new Logger('Events');
  const line = (obj: Record<string, unknown>, msg: string): string => (Object.keys(obj).length === 0 ? msg : `${msg} ${JSON.stringify(obj)}`);
  return {
    info: (obj, msg) => {
      logger.log(line(obj, msg));
    },
    warn: (obj, msg) => {
      logger.warn(line(obj, msg));
    },
    error: (obj, msg) => {
      logger.error(line(obj, msg));
    },
    debug: (obj, msg) => {
      logger.debug(line(obj, msg));
    },
  };
}
