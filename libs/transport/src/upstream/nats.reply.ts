import { errors } from '@nats-io/transport-node';
import { isHttpReplyEnvelope } from '../http-envelope.js';
import type { NestReply } from '../nest-nats.codec.js';
import { TransportError, TransportErrorCode } from '../transport.errors.js';
import { classifyUpstreamError, type UpstreamFailure } from './upstream.failure.js';

/** A NATS handler's answer as an HTTP-shaped result: status, lower-case headers, body. */
export interface ReplyResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/**
 * The HTTP status a Nest `err` carries (`RpcException({ status: 404, message })`, or `statusCode`), when it is an error
 * status (400–599); anything else (Nest's `{ status: 'error' }`, a string) carries none.
 */
export function errStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const fields = err as { status?: unknown; statusCode?: unknown };
  const status = fields.status ?? fields.statusCode;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599 ? status : undefined;
}

function errMessage(err: unknown): string {
  if (typeof err === 'string') return err;
  const message = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : 'the handler failed';
}

/**
 * Reads a decoded Nest reply the one way gateway and MeshClient share: an `err` throws MESHWAY_UPSTREAM_ERROR (with the
 * status it carried, else none: the caller answers 502); an `HttpReplyEnvelope` gives its status, headers and body;
 * `undefined` is a 204; any other value is a 200 with that value as the body.
 */
export function readNestReply(reply: NestReply, where: string): ReplyResult {
  if (reply.err !== undefined && reply.err !== null) {
    throw new TransportError(TransportErrorCode.UpstreamError, `${where}: ${errMessage(reply.err)}`, errStatus(reply.err), { body: reply.err });
  }
  const response = reply.response;
  if (response === undefined) return { status: 204, headers: {}, body: undefined };
  if (!isHttpReplyEnvelope(response)) return { status: 200, headers: {}, body: response };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = value;
  return { status: response.status, headers, body: response.body };
}

/** Classifies what a NATS request threw: no responders and a closed connection never reached a handler (`connect`). */
export function classifyNatsError(error: unknown, where: string, subject: string): UpstreamFailure {
  if (error instanceof errors.NoRespondersError || (error instanceof errors.RequestError && error.isNoResponders())) {
    return { kind: 'connect', error: new TransportError(TransportErrorCode.UpstreamUnavailable, `${where} is unavailable: no NATS responders on "${subject}"`, undefined, { cause: error, failure: 'connect' }) };
  }
  if (error instanceof errors.TimeoutError || (error instanceof errors.RequestError && error.cause instanceof errors.TimeoutError)) {
    return { kind: 'timeout', error: new TransportError(TransportErrorCode.UpstreamTimeout, `${where} did not answer on "${subject}" in time`, undefined, { cause: error, failure: 'timeout' }) };
  }
  if (error instanceof errors.ClosedConnectionError || error instanceof errors.DrainingConnectionError) {
    return { kind: 'connect', error: new TransportError(TransportErrorCode.NatsUnavailable, `${where}: the NATS connection is closed`, undefined, { cause: error, failure: 'connect' }) };
  }
  return classifyUpstreamError(error, where);
}
