/** The part of a pino logger the registry uses; `createLogger` from `@meshway/logging` satisfies it. */
export interface RegistryLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Drops every line (tests that do not look at logs). */
export const silentLogger: RegistryLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
