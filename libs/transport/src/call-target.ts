import { HTTP_METHODS, type HttpMethod, type ServiceInstance } from '@meshway/discovery';
import { TransportError, TransportErrorCode } from './transport.errors.js';

const HTTP_TARGET = /^([A-Za-z]+) (\/\S*)$/;
/** A NATS subject usable as a Nest pattern: dot-separated tokens, no wildcards or whitespace. */
const NATS_SUBJECT = /^[^\s.*>]+(?:\.[^\s.*>]+)*$/;

export interface HttpTarget {
  readonly method: HttpMethod;
  /** Path with its query string, as given. */
  readonly path: string;
}

function invalid(message: string): TransportError {
  return new TransportError(TransportErrorCode.InvalidCall, message);
}

/** Reads `'GET /users/42?x=1'` for an HTTP instance; throws MESHWAY_INVALID_CALL saying what is expected. */
export function parseHttpTarget(target: string, instance: ServiceInstance): HttpTarget {
  const match = HTTP_TARGET.exec(target);
  if (!match) {
    const hint = NATS_SUBJECT.test(target) ? ` (it looks like a NATS pattern, but ${instance.service} instance ${instance.id} speaks HTTP)` : '';
    throw invalid(`Invalid HTTP target ${JSON.stringify(target)}${hint}; expected "METHOD /path", e.g. "GET /users/42"`);
  }
  const method = (match[1] ?? '').toUpperCase();
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    throw invalid(`Invalid HTTP method ${JSON.stringify(match[1])} in target ${JSON.stringify(target)}; allowed: ${HTTP_METHODS.join(', ')}`);
  }
  return { method: method as HttpMethod, path: match[2] ?? '/' };
}

/** Checks a NATS pattern for a NATS instance; throws MESHWAY_INVALID_CALL saying what is expected. */
export function checkNatsPattern(target: string, instance: ServiceInstance): string {
  if (NATS_SUBJECT.test(target)) return target;
  const hint = HTTP_TARGET.test(target) ? ` (it looks like an HTTP target, but ${instance.service} instance ${instance.id} speaks NATS)` : '';
  throw invalid(`Invalid NATS pattern ${JSON.stringify(target)}${hint}; expected a subject such as "orders.get" (no spaces or wildcards)`);
}

/** `JSON.stringify(payload)`, or MESHWAY_INVALID_CALL when the payload cannot be sent as JSON (a BigInt, a cycle). */
export function serializePayload<T>(payload: unknown, encode: (payload: unknown) => T): T {
  try {
    return encode(payload);
  } catch (error) {
    throw new TransportError(TransportErrorCode.InvalidCall, `Invalid payload: it cannot be sent as JSON (${(error as Error).message})`, undefined, { cause: error });
  }
}
