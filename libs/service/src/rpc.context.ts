import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { NatsContext } from '@nestjs/microservices';
import { MESH_HEADERS } from '@meshway/transport';
import { connectionNamed, isHopByHop } from './hop-by-hop.js';

/** Headers about the HTTP message, not the call: a NATS message has no such headers. */
const HTTP_ONLY = new Set(['host', 'expect', 'content-length', 'content-type', MESH_HEADERS.requestId]);

function callHeaders(rawHeaders: readonly string[], requestId: string): MsgHdrs {
  const headers = natsHeaders();
  const dropped = connectionNamed(rawHeaders);
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    if (isHopByHop(name, dropped) || HTTP_ONLY.has(name)) continue;
    try {
      headers.append(name, rawHeaders[i + 1] ?? '');
    } catch {
      // A name NATS cannot carry (Node accepts a few characters NATS does not): the handler could not have got it over NATS either.
    }
  }
  headers.set(MESH_HEADERS.requestId, requestId);
  return headers;
}

/**
 * The context a handler gets for a call that came over HTTP: a real `NatsContext` (subject = the pattern; headers =
 * the request's end-to-end headers with `x-request-id` always set), so `@Ctx() ctx: NatsContext`, the error filter, the
 * logging and deadline interceptors read `x-request-id`, `traceparent` and `x-request-timeout` as they do over NATS.
 */
export function rpcContext(pattern: string, rawHeaders: readonly string[], requestId: string): NatsContext {
  return new NatsContext([pattern, callHeaders(rawHeaders, requestId)]);
}
