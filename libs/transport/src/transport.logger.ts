/** The log levels the transport needs, in pino's argument order (`obj`, `msg`), so a pino logger can be passed as is. */
export interface TransportLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
  debug(obj: Record<string, unknown>, msg: string): void;
}

/** The default: the transport stays quiet unless given a logger. */
export const silentLogger: TransportLogger = {
  warn: () => undefined,
  debug: () => undefined,
};
