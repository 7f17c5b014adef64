import { DEADLINE_HEADER } from '@meshway/resilience';

/** Header names Meshway propagates on every hop, over HTTP and as NATS headers. */
export const MESH_HEADERS = {
  /** Request id: kept when the client sent one, else created at the edge. */
  requestId: 'x-request-id',
  /** W3C trace context. */
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  /** Remaining time budget in milliseconds (relative, so clock skew between hosts does not matter). */
  timeout: DEADLINE_HEADER,
  /** Set by every Meshway service on its responses: the instance that answered (as `/info` and the registry name it). */
  instance: 'x-meshway-instance',
  /** Authenticated caller identity set by the gateway (consumer id). */
  consumer: 'x-meshway-consumer',
} as const;

/** The `x-request-timeout` value for a remaining budget (one definition, in `@meshway/resilience`). */
export { timeoutHeaderValue } from '@meshway/resilience';
