import { randomUUID } from 'node:crypto';
import { META, type ServiceInstance } from '@meshway/discovery';
import { checkNatsPattern, serializePayload } from './call-target.js';
import type { Exchange, MeshResponse, TransportCaller } from './mesh-call.js';
import { decodeNestReply, encodeNestRequest } from './nest-nats.codec.js';
import { TransportError, TransportErrorCode } from './transport.errors.js';
import { readNestReply } from './upstream/nats.reply.js';
import type { UpstreamConnections } from './upstream/upstream.connections.js';
import { upstreamFailure } from './upstream/upstream.failure.js';

/** Where a NATS service in HTTP mode serves its message patterns (`@meshway/service`'s HttpRpcServer). */
export const PATTERN_RPC_PATH = '/_meshway/rpc';

/** True for an instance of a NATS service running in HTTP mode: it takes pattern calls over HTTP. */
export function servesPatternsOverHttp(instance: ServiceInstance): boolean {
  return instance.transport === 'http' && instance.meta[META.rpc] === 'http';
}

/**
 * Calls a message pattern on a NATS service that runs in HTTP mode (no NATS on this machine): the same Nest packet as
 * over NATS, `POST /_meshway/rpc/<pattern>`, answered with the same Nest reply — so a call's result, errors and statuses
 * are those it would get over NATS. "Unknown pattern" counts as NATS's "no responders".
 */
export class PatternOverHttpCaller implements TransportCaller {
  constructor(private readonly connections: UpstreamConnections) {}

  async send(exchange: Exchange): Promise<MeshResponse> {
    const { instance, signal } = exchange;
    const pattern = checkNatsPattern(exchange.target, { ...instance, transport: 'nats' });
    const where = `${pattern} on ${instance.service} instance ${instance.id}`;
    const id = randomUUID();
    const body = Buffer.from(serializePayload(exchange.payload, (payload) => encodeNestRequest(pattern, payload, id)));
    const headers = { ...exchange.headers, 'content-type': 'application/json', accept: 'application/json' };
    let status: number;
    let text: Buffer;
    try {
      const res = await this.connections.pool(instance).request({ method: 'POST', path: `${PATTERN_RPC_PATH}/${encodeURIComponent(pattern)}`, headers, body, signal });
      status = res.statusCode;
      text = Buffer.from(await res.body.arrayBuffer());
    } catch (error) {
      throw upstreamFailure(error, signal, where);
    }
    return answerOf(status, text, id, instance, where);
  }

  /** Pools belong to the HTTP caller that shares them. */
  release(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function answerOf(status: number, text: Buffer, id: string, instance: ServiceInstance, where: string): MeshResponse {
  if (status === 404) throw new TransportError(TransportErrorCode.UpstreamUnavailable, `${where} is unavailable: nothing handles that pattern`, undefined, { failure: 'connect' });
  if (status === 400 || status === 413 || status === 415) throw new TransportError(TransportErrorCode.InvalidCall, `${where} refused the call (HTTP ${status}): ${text.toString('utf8').slice(0, 200)}`);
  if (status !== 200) throw new TransportError(TransportErrorCode.UpstreamError, `${where} answered HTTP ${status}`, status);
  const reply = decodeNestReply(text);
  if (reply.id !== id) throw new TransportError(TransportErrorCode.BadReply, `${where} answered request ${reply.id}, expected ${id}`);
  const result = readNestReply(reply, where);
  if (result.status >= 500) throw new TransportError(TransportErrorCode.UpstreamError, `${where} answered ${result.status}`, result.status, { body: result.body });
  return { ...result, instance };
}
