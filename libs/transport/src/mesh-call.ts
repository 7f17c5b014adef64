import type { ServiceInstance } from '@meshway/discovery';
import type { ResilienceConfig } from '@meshway/resilience';

/** Per-call options of {@link MeshClient.call}. */
export interface CallOptions {
  /** Time budget for this call in ms (default: the client's `defaultTimeoutMs`). */
  readonly timeoutMs?: number;
  /**
   * Absolute deadline in ms on the client's clock (`clock.now()`); the call gets min(timeoutMs, deadline − now). Default:
   * the deadline of the request being served (`@meshway/resilience`'s context, set by `@meshway/service` from the
   * caller's `x-request-timeout`), so a chain of calls never outlives the first caller's budget.
   */
  readonly deadline?: number;
  /** Extra headers (HTTP headers, or NATS headers). Names are sent lower-case. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as `x-request-id`; a new UUID when absent. */
  readonly requestId?: string;
  /** W3C trace context, sent as `traceparent`. */
  readonly traceparent?: string;
  /** Cancels the call; it then fails with MESHWAY_CALL_ABORTED. */
  readonly signal?: AbortSignal;
  /** Consistent-hash key for balancers that use one. */
  readonly hashKey?: string;
  /** This call's `retries` over the client's and the service's (e.g. `{ retries: { retryable: true } }` for a POST that is safe to repeat). */
  readonly resilience?: Pick<ResilienceConfig, 'retries'>;
}

/** A successful answer (status < 500). 5xx answers and NATS `err` replies are thrown as MESHWAY_UPSTREAM_ERROR. */
export interface MeshResponse<T = unknown> {
  readonly status: number;
  /** Response headers, lower-case names (repeated headers joined with ", "). */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON body (text when the upstream did not send JSON; undefined when empty). Not validated: `T` is the caller's claim. */
  readonly body: T;
  /** The instance that answered. */
  readonly instance: ServiceInstance;
}

/** What a transport needs to make one exchange; built by MeshClient from `call()`'s arguments. */
export interface Exchange {
  readonly instance: ServiceInstance;
  readonly target: string;
  readonly payload: unknown;
  /** Headers to send, lower-case names, mesh headers included. */
  readonly headers: Readonly<Record<string, string>>;
  /** Remaining budget in ms (> 0). */
  readonly timeoutMs: number;
  /** Aborted when the caller aborts or the budget runs out; its `reason` is the TransportError to throw. */
  readonly signal: AbortSignal;
}

/** One way to reach an instance (HTTP or NATS). */
export interface TransportCaller {
  send(exchange: Exchange): Promise<MeshResponse>;
  /** Releases what this caller holds for instances not in `live`; everything when `live` is empty. */
  release(live: readonly ServiceInstance[]): Promise<void>;
  close(): Promise<void>;
}
