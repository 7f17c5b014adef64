import { MESH_HEADERS, readNestReply, TransportError, type NestReply, type ReplyResult } from '@meshway/transport';
import { ApiError } from './api-error.js';
import { stripHopByHop } from './hop-by-hop.js';

/** An HTTP answer: status, lower-case headers, and the body text (undefined: no body). */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

/** An answer in the one error shape `{ error: { code, message, requestId } }`. */
export function errorAnswer(error: ApiError, requestId: string): HttpAnswer {
  return { status: error.status, headers: { 'content-type': 'application/json; charset=utf-8', [MESH_HEADERS.requestId]: requestId }, body: JSON.stringify(error.toBody(requestId)) };
}

/** A string body goes out as is when the handler set a non-JSON content type; anything else is JSON. */
function bodyText(result: ReplyResult, contentType: string): string {
  if (result.body === undefined || result.status === 204 || result.status === 304) return '';
  if (typeof result.body === 'string' && !contentType.includes('json')) return result.body;
  // Typed `string`, but `undefined` for a value JSON cannot show (a function): then no body.
  const text: unknown = JSON.stringify(result.body);
  return typeof text === 'string' ? text : '';
}

/**
 * A handler's reply packet as the HTTP answer — exactly what the gateway makes of the same packet over NATS
 * (`readNestReply`, then its `sendReply`): an `HttpReplyEnvelope` gives its status, headers and body; another value is
 * a 200 JSON body; nothing is a 204; an `err` is MESHWAY_UPSTREAM_ERROR with the status it carried (RpcException
 * `{ status: 404 }`), else 502. `where` names the handler in error messages: `orders on "orders.get"`.
 */
export function answerOf(packet: NestReply, where: string, requestId: string): HttpAnswer {
  let result: ReplyResult;
  try {
    result = readNestReply(packet, where);
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    return errorAnswer(new ApiError(error.status ?? 502, error.code, error.message), requestId);
  }
  const headers: Record<string, string> = { ...result.headers };
  stripHopByHop(headers);
  Reflect.deleteProperty(headers, 'content-length');
  const body = bodyText(result, headers['content-type'] ?? 'application/json');
  if (body !== '') headers['content-type'] ??= 'application/json; charset=utf-8';
  headers[MESH_HEADERS.requestId] = requestId;
  return { status: result.status, headers, body: body === '' ? undefined : body };
}
