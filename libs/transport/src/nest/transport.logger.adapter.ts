import { Logger } from '@nestjs/common';
import type { TransportLogger } from '../transport.logger.js';

/** MeshClient's logger on Nest's `Logger` (context `MeshClient`), for apps that give none. */
export function nestTransportLogger(): TransportLogger {
  const logger = new Logger('MeshClient');
  const line = (obj: Record<string, unknown>, msg: string): string => (Object.keys(obj).length === 0 ? msg : `${msg} ${JSON.stringify(obj)}`);
  return {
    warn: (obj, msg) => {
      logger.warn(line(obj, msg));
    },
    debug: (obj, msg) => {
      logger.debug(line(obj, msg));
    },
  };
}
