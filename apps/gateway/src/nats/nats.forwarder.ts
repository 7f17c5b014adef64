import { randomUUID } from 'node:crypto';
import { headers as natsHeaders, NoRespondersError, RequestError, TimeoutError, type NatsConnection } from '@nats-io/transport-node';
import type { Clock } from '@meshway/clock';
import { decodeNestReply, encodeNestRequest, isHttpReplyEnvelope, MESH_HEADERS, TransportError, TransportErrorCode, type HttpReplyEnvelope } from '@meshway/transport';
import { GatewayError } from '../gateway.errors.js';
import type { Exchange } from '../proxy/exchange.js';
import { stripResponseHopByHop } from '../proxy/incoming-headers.js';
import { readBody } from '../proxy/request-body.js';
import { requestEnvelope } from './request-envelope.js';

const EMPTY = Buffer.alloc(0);

/** A GET without Content-Length or chunking has no body: no need to wait for the request stream to end. */
function hasBody(ex: Exchange): boolean {
  return ex.headers.chunked || (ex.headers.contentLength !== undefined && ex.headers.contentLength !== '0');
}

function headerValue(forward: readonly string[], name: string): string | undefined {
  for (let i = 0; i < forward.length; i += 2) if (forward[i] === name) return forward[i + 1];
  return undefined;
}

/** Ceiling on the extra time NATS itself waits after the gateway's own deadline (so its request always ends). */
const NATS_GRACE_MS = 1_000;

function natsFailure(error: unknown, subject: string, service: string): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof TransportError && error.code === TransportErrorCode.BadReply) {
    return new GatewayError('MESHWAY_BAD_REPLY', `${service} sent a reply on "${subject}" that is not a Nest packet.`, { cause: error });
  }
  if (error instanceof NoRespondersError || (error instanceof RequestError && error.isNoResponders())) {
    return new GatewayError('MESHWAY_UPSTREAM_UNAVAILABLE', `No ${service} instance listens on NATS subject "${subject}".`, { cause: error });
  }
  if (error instanceof TimeoutError || (error instanceof RequestError && error.cause instanceof TimeoutError)) {
    return new GatewayError('MESHWAY_UPSTREAM_TIMEOUT', `${service} did not answer on "${subject}" within the deadline.`, { cause: error });
  }
  return new GatewayError('MESHWAY_NATS_UNAVAILABLE', `NATS request to "${subject}" failed: ${(error as Error).message}`, { cause: error });
}

/** A handler's `err` becomes a 502 unless it carries an HTTP status (e.g. `new RpcException({ status: 404, message })`). */
function handlerError(err: unknown, service: string): GatewayError {
  const fields = typeof err === 'object' && err !== null ? (err as { status?: unknown; statusCode?: unknown; message?: unknown }) : {};
  const status = fields.status ?? fields.statusCode;
  const message = typeof err === 'string' ? err : typeof fields.message === 'string' ? fields.message : 'the handler failed';
  const carried = typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599 ? status : undefined;
  return new GatewayError('MESHWAY_UPSTREAM_ERROR', `${service}: ${message}`, carried === undefined ? {} : { status: carried });
}

/** A string body goes out as is when the handler set a non-JSON content type; anything else is JSON. */
function bodyText(reply: HttpReplyEnvelope, contentType: string): string {
  if (reply.body === undefined || reply.status === 204 || reply.status === 304) return '';
  return typeof reply.body === 'string' && !contentType.includes('json') ? reply.body : JSON.stringify(reply.body);
}

function sendReply(ex: Exchange, reply: HttpReplyEnvelope): void {
  const headers: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(reply.headers ?? {})) headers[name.toLowerCase()] = value;
  stripResponseHopByHop(headers);
  Reflect.deleteProperty(headers, 'content-length');
  const body = bodyText(reply, headers['content-type']?.toString() ?? 'application/json');
  if (body !== '') {
    headers['content-type'] ??= 'application/json; charset=utf-8';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  headers['x-request-id'] = ex.requestId;
  if (ex.context.draining()) headers.connection = 'close';
  ex.res.writeHead(reply.status, headers);
  ex.res.end(body);
}

/**
 * Forwards an exchange to a NATS service: the body is read (up to the route's limit) and parsed, sent
 * as a Nest NATS request on the route's subject, and the reply becomes the HTTP response.
 */
export class NatsForwarder {
  constructor(
    private readonly nats: NatsConnection | undefined,
    private readonly clock: Clock,
  ) {}

  forward(ex: Exchange): void {
    this.exchange(ex).catch((error: unknown) => {
      ex.fail(natsFailure(error, ex.route?.spec.subject ?? '', ex.route?.spec.service ?? ''));
    });
  }

  private async exchange(ex: Exchange): Promise<void> {
    const route = ex.route;
    if (!route?.spec.subject) return;
    const { subject, service } = route.spec;
    if (!this.nats || this.nats.isClosed()) throw new GatewayError('MESHWAY_NATS_UNAVAILABLE', `Route ${route.key} needs NATS, and the gateway has no NATS connection.`);
    const raw = hasBody(ex) ? await readBody(ex.req, route.spec.bodyLimitBytes) : EMPTY;
    const payload = encodeEnvelope(subject, ex, raw);
    const left = ex.deadline - this.clock.monotonic();
    const headers = natsHeaders();
    headers.set(MESH_HEADERS.requestId, ex.requestId);
    headers.set(MESH_HEADERS.timeout, String(Math.max(1, Math.ceil(left))));
    const traceparent = headerValue(ex.headers.forward, MESH_HEADERS.traceparent);
    if (traceparent !== undefined) headers.set(MESH_HEADERS.traceparent, traceparent);
    const msg = await this.withDeadline(this.nats.request(subject, payload, { timeout: Math.max(1, left) + NATS_GRACE_MS, headers }), left, subject, service);
    if (ex.res.writableEnded || ex.res.destroyed) return;
    const reply = decodeNestReply(msg.data);
    if (reply.err !== undefined && reply.err !== null) throw handlerError(reply.err, service);
    if (isHttpReplyEnvelope(reply.response)) sendReply(ex, reply.response);
    else if (reply.response === undefined) sendReply(ex, { status: 204 });
    else sendReply(ex, { status: 200, body: reply.response });
  }

  /** The gateway's deadline runs on its injected clock, so it is testable and identical for HTTP and NATS. */
  private withDeadline<T>(request: Promise<T>, ms: number, subject: string, service: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        reject(new GatewayError('MESHWAY_UPSTREAM_TIMEOUT', `${service} did not answer on "${subject}" within the deadline.`));
      }, ms);
      request.then(
        (value) => {
          this.clock.clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          this.clock.clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}

/** The Nest packet for this request; a body nested too deeply to encode is the client's error, not NATS being down. */
function encodeEnvelope(subject: string, ex: Exchange, raw: Buffer): Uint8Array {
  try {
    return encodeNestRequest(subject, requestEnvelope(ex, raw), randomUUID());
  } catch (error) {
    if (error instanceof RangeError) throw new GatewayError('MESHWAY_BAD_REQUEST', 'The JSON body is nested too deeply.', { cause: error });
    throw error;
  }
}
