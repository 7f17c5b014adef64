/** Stable error codes of `@meshway/balancing`. Callers switch on `code`, never on the message. */
export const BalancingErrorCode = {
  /** `createBalancer` was given a name that is not one of `BALANCER_NAMES`. */
  UnknownBalancer: 'MESHWAY_UNKNOWN_BALANCER',
  /** An option given to `createBalancer` is invalid. */
  InvalidOptions: 'MESHWAY_BALANCING_INVALID_OPTIONS',
} as const;

export type BalancingErrorCode = (typeof BalancingErrorCode)[keyof typeof BalancingErrorCode];

export class BalancingError extends Error {
  override readonly name = 'BalancingError';

  constructor(
    readonly code: BalancingErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
