import { Logger } from '@nestjs/common';
import type { DiscoveryLogger } from '../discovery.logger.js';

/** Discovery's `{ warn(obj, msg), info(obj, msg) }` on Nest's Logger (which nestjs-pino replaces when installed). */
export function nestDiscoveryLogger(context = 'Discovery'): DiscoveryLogger {
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
