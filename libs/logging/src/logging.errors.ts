import { MeshwayError } from '@meshway/errors';

/** Stable error codes of `@meshway/logging`. */
export const LoggingErrorCode = {
  /** An option given to `createLogger` / `LoggingModule` is invalid. */
  InvalidOptions: 'MESHWAY_LOGGING_INVALID_OPTIONS',
} as const;

export type LoggingErrorCode = (typeof LoggingErrorCode)[keyof typeof LoggingErrorCode];

export class LoggingError extends MeshwayError<LoggingErrorCode> {
  override readonly name = 'LoggingError';
}
