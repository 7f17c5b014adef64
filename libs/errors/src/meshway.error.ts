/**
 * The one base of every Meshway error (in the spirit of `@fastify/error`): a stable `code` callers switch on,
 * never the message. Each lib keeps its own code table and a thin subclass that narrows `code` to it:
 *
 * ```ts
 * export const BalancingErrorCode = { UnknownBalancer: 'MESHWAY_UNKNOWN_BALANCER' } as const;
 * export class BalancingError extends MeshwayError<BalancingErrorCode> { override readonly name = 'BalancingError'; }
 * ```
 */
export class MeshwayError<Code extends string = string> extends Error {
  override readonly name: string = 'MeshwayError';

  constructor(
    readonly code: Code,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** True when `error` is a MeshwayError, and (when given) carries one of `codes`. */
export function isMeshwayError<Code extends string>(error: unknown, ...codes: Code[]): error is MeshwayError<Code> {
  if (!(error instanceof MeshwayError)) return false;
  const code: string = (error as MeshwayError).code;
  return codes.length === 0 || (codes as string[]).includes(code);
}

/** The message of anything thrown, for logs and wrapped errors. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
