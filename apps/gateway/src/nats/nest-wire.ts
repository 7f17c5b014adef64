import { randomUUID } from 'node:crypto';
import type { HttpRequestEnvelope } from '@meshway/transport';
import { GatewayError } from '../gateway.errors.js';

/** Nest's NATS request packet: the subject is the pattern, `id` asks for a reply. */
export function encodeNestRequest(pattern: string, data: HttpRequestEnvelope): Uint8Array {
  return Buffer.from(JSON.stringify({ pattern, data, id: randomUUID() }));
}

/** A Nest NATS reply: `{ id, response }` or `{ id, err }` (both with `isDisposed` on the last packet). */
export type NestReply = { readonly kind: 'response'; readonly response: unknown } | { readonly kind: 'error'; readonly err: unknown };

export function decodeNestReply(data: Uint8Array, service: string): NestReply {
  let packet: unknown;
  try {
    packet = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
  } catch {
    throw new GatewayError('MESHWAY_BAD_REPLY', `${service} replied with something that is not JSON.`);
  }
  if (typeof packet !== 'object' || packet === null) throw new GatewayError('MESHWAY_BAD_REPLY', `${service} replied with a non-object packet.`);
  const { err, response } = packet as { err?: unknown; response?: unknown };
  if (err !== undefined && err !== null) return { kind: 'error', err };
  return { kind: 'response', response };
}
