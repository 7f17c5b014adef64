import { isMeshwayError, MeshwayError } from '@meshway/errors';
import { ProcessErrorCode } from '@meshway/process';

/** Stable error codes of `@meshway/testing` helpers. */
export const TestingErrorCode = {
  /** A wait (`waitFor`, `waitForLine`, `waitForHttp`) ran out of time. */
  Timeout: 'MESHWAY_TEST_TIMEOUT',
  /** The process being waited on exited first. */
  ProcessExited: 'MESHWAY_TEST_PROCESS_EXITED',
  /** The process could not be started at all (e.g. command not found). */
  SpawnFailed: 'MESHWAY_TEST_SPAWN_FAILED',
} as const;

export type TestingErrorCode = (typeof TestingErrorCode)[keyof typeof TestingErrorCode];

export class TestingError extends MeshwayError<TestingErrorCode> {
  override readonly name = 'TestingError';
}

/** `@meshway/process` wait errors under this lib's codes (same message); anything else unchanged. */
export function asTestingError(error: unknown): unknown {
  if (isMeshwayError(error, ProcessErrorCode.Timeout)) return new TestingError(TestingErrorCode.Timeout, error.message, { cause: error.cause });
  if (isMeshwayError(error, ProcessErrorCode.Exited)) return new TestingError(TestingErrorCode.ProcessExited, error.message, { cause: error });
  return error;
}
