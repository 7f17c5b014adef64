import { randomUUID } from 'node:crypto';
import type { ServiceInstance } from '@meshway/discovery';
import { connect, errors, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { checkNatsPattern, serializePayload } from './call-target.js';
import { isHttpReplyEnvelope } from './http-envelope.js';
import type { Exchange, MeshResponse, TransportCaller } from './mesh-call.js';
import { decodeNestReply, encodeNestRequest, type NestReply } from './nest-nats.codec.js';
import { TransportError, TransportErrorCode } from './transport.errors.js';
import { upstreamFailure } from './upstream.failure.js';

/** Where NATS comes from: servers to connect to (the client owns and closes that connection), or a connection the caller owns. */
export type NatsSource = { readonly servers: readonly string[] } | NatsConnection;

/** Calls NATS instances in Nest's wire format (see `nest-nats.codec.ts`), request-reply on subject = pattern. */
export class NatsCaller implements TransportCaller {
  private connection: Promise<NatsConnection> | undefined;

  constructor(private readonly source: NatsSource | undefined) {
    if (source && 'request' in source) this.connection = Promise.resolve(source);
  }

  async send(exchange: Exchange): Promise<MeshResponse> {
    const { instance, signal } = exchange;
    const pattern = checkNatsPattern(exchange.target, instance);
    const where = `${pattern} on ${instance.service} instance ${instance.id}`;
    const nc = await this.connect();
    const hdrs = natsHeaders();
    for (const [name, value] of Object.entries(exchange.headers)) hdrs.set(name, value);
    const id = randomUUID();
    const data = serializePayload(exchange.payload, (payload) => encodeNestRequest(pattern, payload, id));
    try {
      const request = nc.request(pattern, data, { timeout: Math.ceil(exchange.timeoutMs), headers: hdrs });
      const msg = await raceAbort(request, signal);
      return toResponse(decodeNestReply(msg.data), id, instance, where);
    } catch (error) {
      throw natsFailure(error, signal, { where, pattern, timeoutMs: exchange.timeoutMs });
    }
  }

  /** NATS holds nothing per instance: queue groups spread requests on the server side. */
  release(_live: ReadonlySet<string>): Promise<void> {
    return Promise.resolve();
  }

  async close(): Promise<void> {
    const pending = this.connection;
    this.connection = undefined;
    if (!pending || !this.source || 'request' in this.source) return;
    const nc = await pending.catch(() => undefined);
    await nc?.close();
  }

  private connect(): Promise<NatsConnection> {
    if (this.connection) return this.connection;
    const source = this.source;
    if (!source || 'request' in source) {
      return Promise.reject(new TransportError(TransportErrorCode.NatsUnavailable, 'A NATS instance was picked but MeshClient has no NATS connection; pass the `nats` option'));
    }
    const servers = [...source.servers];
    const connecting = connect({ servers, name: 'meshway-mesh-client', maxReconnectAttempts: -1 }).catch((error: unknown) => {
      this.connection = undefined;
      throw new TransportError(TransportErrorCode.NatsUnavailable, `Cannot connect to NATS at ${servers.join(', ')}: ${(error as Error).message}`, undefined, { cause: error });
    });
    this.connection = connecting;
    return connecting;
  }
}

function toResponse(reply: NestReply, id: string, instance: ServiceInstance, where: string): MeshResponse {
  if (reply.id !== id) throw new TransportError(TransportErrorCode.BadReply, `${where} answered request ${reply.id}, expected ${id}`);
  if (reply.err !== undefined && reply.err !== null) {
    const { message, status } = describeErr(reply.err);
    throw new TransportError(TransportErrorCode.UpstreamError, `${where} failed: ${message}`, status, { body: reply.err });
  }
  const response = reply.response;
  if (!isHttpReplyEnvelope(response)) return { status: 200, headers: {}, body: response, instance };
  const headers = Object.fromEntries(Object.entries(response.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  if (response.status >= 500) {
    throw new TransportError(TransportErrorCode.UpstreamError, `${where} answered ${response.status}`, response.status, { body: response.body });
  }
  return { status: response.status, headers, body: response.body, instance };
}

/** Nest sends `RpcException('x')` as `{ status: 'error', message: 'x' }`, `RpcException(obj)` as `obj`, "no handler" as a string. */
function describeErr(err: unknown): { message: string; status: number | undefined } {
  if (typeof err !== 'object' || err === null) return { message: String(err), status: undefined };
  const { message, status } = err as { message?: unknown; status?: unknown };
  const valid = typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599;
  return { message: typeof message === 'string' ? message : JSON.stringify(err), status: valid ? status : undefined };
}

function natsFailure(error: unknown, signal: AbortSignal, call: { where: string; pattern: string; timeoutMs: number }): TransportError {
  if (error instanceof TransportError) return error;
  if (signal.aborted && signal.reason instanceof TransportError) return signal.reason;
  const { where, pattern, timeoutMs } = call;
  if (error instanceof errors.TimeoutError) {
    return new TransportError(TransportErrorCode.UpstreamTimeout, `${where} did not answer within ${Math.ceil(timeoutMs)} ms`, undefined, { cause: error });
  }
  if (error instanceof errors.RequestError && error.isNoResponders()) {
    return new TransportError(TransportErrorCode.UpstreamUnavailable, `${where} is unavailable: no NATS responders on "${pattern}"`, undefined, { cause: error });
  }
  if (error instanceof errors.ClosedConnectionError || error instanceof errors.DrainingConnectionError) {
    return new TransportError(TransportErrorCode.NatsUnavailable, `${where}: the NATS connection is closed`, undefined, { cause: error });
  }
  return upstreamFailure(error, signal, where);
}

/** The request, unless the signal fires first (nats.js requests take no AbortSignal). */
async function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) throw signal.reason as Error;
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
