/**
 * Every nak carries a delay of at least this. Measured on nats-server 2.9: an immediate nak of an event whose pull
 * request is gone rewinds the consumer (one event delivered twice, another stuck until ackWait); a delayed nak takes
 * the redelivery-timer path and comes back once, at once.
 */
export const MIN_NAK_DELAY_MS = 1;

/** What to do with a delivery, decided from its count alone (pure, so it is specified by a table). */
export interface RedeliveryPolicy {
  readonly maxDeliver: number;
  readonly backoffMs: readonly number[];
}

/** Every allowed delivery was used up without an ack (handlers crashed, hung past ackWait, or their acks were lost). */
export function deliveriesExhausted(policy: RedeliveryPolicy, deliveryCount: number): boolean {
  return deliveryCount > policy.maxDeliver;
}

/** What follows a failed delivery. */
export type NextStep = { readonly deadLetter: true } | { readonly deadLetter: false; readonly delayMs: number };

/** After a failed handler: dead-letter on the last allowed delivery, else redeliver after the backoff for this attempt. */
export function afterFailure(policy: RedeliveryPolicy, deliveryCount: number): NextStep {
  if (deliveryCount >= policy.maxDeliver) return { deadLetter: true };
  const { backoffMs } = policy;
  const delayMs = backoffMs[Math.min(deliveryCount, backoffMs.length) - 1] ?? 0;
  return { deadLetter: false, delayMs: Math.max(MIN_NAK_DELAY_MS, delayMs) };
}
