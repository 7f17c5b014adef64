import type { ExecutionContext } from '@nestjs/common';
import type { MicroserviceParams } from 'nestjs-pino';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.js';
import { parseTraceparent } from './traceparent.js';

/** Reads a message header when the transport has headers (NATS: `NatsContext.getHeaders()` → `MsgHdrs`). */
function headerOf(context: ExecutionContext, name: string): string | undefined {
  const rpc = context.switchToRpc().getContext<{ getHeaders?: () => unknown } | undefined>();
  const headers = typeof rpc?.getHeaders === 'function' ? rpc.getHeaders() : undefined;
  const get = (headers as { get?: (key: string) => unknown } | undefined)?.get;
  if (typeof get !== 'function') return undefined;
  const value = get.call(headers, name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * nestjs-pino's microservice logging, shaped like the HTTP side: `requestId` from the message's
 * `x-request-id` header (else a UUID), `traceId`/`spanId` from its `traceparent`, one line per handled message.
 */
export function rpcLoggingParams(): MicroserviceParams {
  return {
    customAttributeKeys: { reqId: 'requestId' },
    genReqId: (context) => requestIdFrom({ [REQUEST_ID_HEADER]: headerOf(context, REQUEST_ID_HEADER) }),
    customProps: (context) => {
      const trace = parseTraceparent(headerOf(context, 'traceparent'));
      return trace ? { traceId: trace.traceId, spanId: trace.spanId } : {};
    },
  };
}
