import { showValue } from '@meshway/errors';
import { ApiError, ApiErrorCode } from './api-error.js';

/** A Nest NATS request packet, as `POST /_meshway/rpc/:pattern` takes it. */
export interface RpcRequestPacket {
  readonly pattern: string;
  /** The handler's payload (absent = `undefined`, as over NATS). */
  readonly data: unknown;
  /** Echoed in the reply packet. */
  readonly id: string | number;
}

/** A NATS subject usable as a Nest pattern (as MeshClient checks it): dot-separated tokens, no wildcards or whitespace. */
const SUBJECT = /^[^\s.*>]+(?:\.[^\s.*>]+)*$/;

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function badRequest(message: string): ApiError {
  return new ApiError(400, ApiErrorCode.BadRequest, message);
}

/** The pattern from the path, when it could be a NATS subject; else 400 BAD_REQUEST. */
export function checkPattern(pattern: string): string {
  if (SUBJECT.test(pattern) && !hasControlCharacter(pattern)) return pattern;
  throw badRequest(`Invalid pattern ${showValue(pattern)}: expected a subject such as "orders.get" (no spaces, wildcards or empty tokens)`);
}

/**
 * Reads the body of `POST /_meshway/rpc/:pattern`: exactly a Nest NATS request packet `{ pattern, data, id }` whose
 * `pattern` is the one in the path. Anything else is a 400 BAD_REQUEST saying what is wrong. Only requests (with an
 * `id`) are served: an event packet has no one to answer.
 */
export function readRpcPacket(pathPattern: string, raw: Buffer): RpcRequestPacket {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw badRequest(`The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('The body is not a Nest request packet { "pattern", "data", "id" }');
  const { pattern, data, id } = value as { pattern?: unknown; data?: unknown; id?: unknown };
  if (pattern !== pathPattern) {
    throw badRequest(`The packet's pattern (${showValue(pattern)}) is not the path's ${showValue(pathPattern)}`);
  }
  if ((typeof id !== 'string' || id === '') && (typeof id !== 'number' || !Number.isFinite(id))) {
    throw badRequest('The packet has no "id" (a string or a number): /_meshway/rpc answers requests, not events');
  }
  return { pattern: pathPattern, data, id };
}
