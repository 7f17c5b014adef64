import { MeshwayError } from '@meshway/errors';

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
