import { MeshwayError } from '@meshway/errors';

/** Stable error codes of `@meshway/balancing`. Callers switch on `code`, never on the message. */
export const BalancingErrorCode = {
  /** `createBalancer` was given a name that is not one of `BALANCER_NAMES`. */
  UnknownBalancer: 'MESHWAY_UNKNOWN_BALANCER',
  /** An option given to `createBalancer` is invalid. */
  InvalidOptions: 'MESHWAY_BALANCING_INVALID_OPTIONS',
} as const;

export type BalancingErrorCode = (typeof BalancingErrorCode)[keyof typeof BalancingErrorCode];

export class BalancingError extends MeshwayError<BalancingErrorCode> {
  override readonly name = 'BalancingError';
}
