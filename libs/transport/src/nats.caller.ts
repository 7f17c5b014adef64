import { randomUUID } from 'node:crypto';
import type { ServiceInstance } from '@meshway/discovery';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { checkNatsPattern, serializePayload } from './call-target.js';
import type { Exchange, MeshResponse, TransportCaller } from './mesh-call.js';
import { decodeNestReply, encodeNestRequest, type NestReply } from './nest-nats.codec.js';
import { TransportError, TransportErrorCode } from './transport.errors.js';
import { classifyNatsError, readNestReply } from './upstream/nats.reply.js';

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
      throw natsFailure(error, signal, { where, pattern });
    }
  }

  /** NATS holds nothing per instance: queue groups spread requests on the server side. */
  release(_live: readonly ServiceInstance[]): Promise<void> {
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
  const result = readNestReply(reply, where);
  if (result.status >= 500) {
    throw new TransportError(TransportErrorCode.UpstreamError, `${where} answered ${result.status}`, result.status, { body: result.body });
  }
  return { ...result, instance };
}

function natsFailure(error: unknown, signal: AbortSignal, call: { where: string; pattern: string }): TransportError {
  if (error instanceof TransportError) return error;
  if (signal.aborted && signal.reason instanceof TransportError) return signal.reason;
  return classifyNatsError(error, call.where, call.pattern).error;
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
