import { invalidOptionMessage, MeshwayError } from '@meshway/errors';

/** Stable error codes of `@meshway/process`. Callers switch on `code`, never on the message. */
export const ProcessErrorCode = {
  /** A wait (`waitFor`, `waitForLine`) ran out of time. */
  Timeout: 'MESHWAY_PROCESS_TIMEOUT',
  /** The process being waited on exited first. */
  Exited: 'MESHWAY_PROCESS_EXITED',
  /** An option is invalid; the message names it, the value given and what is allowed. */
  InvalidOptions: 'MESHWAY_PROCESS_INVALID_OPTIONS',
} as const;

export type ProcessErrorCode = (typeof ProcessErrorCode)[keyof typeof ProcessErrorCode];

export class ProcessError extends MeshwayError<ProcessErrorCode> {
  override readonly name = 'ProcessError';
}

/** `MESHWAY_PROCESS_INVALID_OPTIONS` naming the option, the value and what is allowed. */
export function invalidOption(what: string, option: string, given: unknown, allowed: string): ProcessError {
  return new ProcessError(ProcessErrorCode.InvalidOptions, invalidOptionMessage(what, option, given, allowed));
}
