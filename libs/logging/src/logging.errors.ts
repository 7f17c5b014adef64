/** Stable error codes of `@meshway/logging`. */
export const LoggingErrorCode = {
  /** An option given to `createLogger` / `LoggingModule` is invalid. */
  InvalidOptions: 'MESHWAY_LOGGING_INVALID_OPTIONS',
} as const;

export type LoggingErrorCode = (typeof LoggingErrorCode)[keyof typeof LoggingErrorCode];

export class LoggingError extends Error {
  override readonly name = 'LoggingError';

  constructor(
    readonly code: LoggingErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
