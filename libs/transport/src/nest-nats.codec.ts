import { TransportError, TransportErrorCode } from './transport.errors.js';

/**
 * Nest's NATS wire format (`@nestjs/microservices` Transport.NATS, JSON serializer), so MeshClient
 * and the gateway talk to a plain `@MessagePattern()` handler with no Meshway code on the service side.
 *
 * Request, published on subject = the pattern string:  `{ "pattern": "orders.get", "data": <payload>, "id": "<uuid>" }`
 * Reply, on the request's reply inbox:                  `{ "id": "<uuid>", "response": <value>, "isDisposed": true }`
 *                                                   or `{ "id": "<uuid>", "err": <error>, "isDisposed": true }`
 */
export interface NestReply {
  readonly id: string;
  /** The handler's return value (absent when it threw or returned nothing). */
  readonly response?: unknown;
  /** What the handler threw: for `RpcException(x)` it is `x` when `x` is an object, else `{ status: 'error', message: x }`. */
  readonly err?: unknown;
  /** True on the last reply of a stream; a plain (non-Observable) handler answers once with `isDisposed: true`. */
  readonly isDisposed?: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes a Nest NATS request packet. `data` must be JSON-serialisable (`undefined` is sent as absent, like Nest does). */
export function encodeNestRequest(pattern: string, data: unknown, id: string): Uint8Array {
  return encoder.encode(JSON.stringify({ pattern, data, id }));
}

/** Decodes a Nest NATS reply packet; throws MESHWAY_BAD_REPLY when it is not one. */
export function decodeNestReply(bytes: Uint8Array): NestReply {
  const text = decoder.decode(bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badReply(`not JSON: ${preview(text)}`, error);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badReply(`not a JSON object: ${preview(text)}`);
  const id = (value as { id?: unknown }).id;
  if (typeof id !== 'string' && typeof id !== 'number') throw badReply(`no "id": ${preview(text)}`);
  return { ...(value as Omit<NestReply, 'id'>), id: String(id) };
}

function badReply(why: string, cause?: unknown): TransportError {
  return new TransportError(TransportErrorCode.BadReply, `Bad Nest NATS reply, ${why}`, undefined, cause === undefined ? undefined : { cause });
}

function preview(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}
