/**
 * The two log levels discovery needs, in pino's argument order (`obj`, `msg`), so a pino
 * logger or Nest's `PinoLogger` can be passed as is.
 */
export interface DiscoveryLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
}

/** The default: discovery stays quiet unless given a logger. */
export const silentLogger: DiscoveryLogger = {
  warn: () => undefined,
  info: () => undefined,
};
