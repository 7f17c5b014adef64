import { badRequest, ConsulHttpError, RegistryErrorCode } from '../registry.errors.js';
import type { KvTxnOp } from '../state/txn.ops.js';
import { FieldReader, parseJsonLikeGo, type Json } from './json-body.js';
import { MAX_KV_VALUE_BYTES } from './kv.routes.js';

/** Consul's limit on operations in one transaction (its API docs: "Up to 128 operations"). */
export const MAX_TXN_OPS = 128;

/** Consul's `txn_max_req_len` default: the whole request body. */
export const MAX_TXN_BODY_BYTES = 512 * 1024;

/** Operation kinds Consul's `/v1/txn` has beside KV; refused here rather than ignored. */
const OTHER_KINDS = ['Node', 'Service', 'Check', 'Session', 'Intention'];

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const parseFailed = (why: string): ConsulHttpError => badRequest(`Failed to parse body: ${why}`);

/**
 * Decodes a `PUT /v1/txn` body with Consul's answers for what it cannot take: 400 `Failed to parse
 * body: …` (not JSON, wrong shape, a value that is not strict base64), 413 for too many operations or
 * a value over 512 KiB. Field names match case-insensitively, as Consul's decoder does.
 */
export function parseTxnBody(body: unknown): KvTxnOp[] {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : '';
  let decoded: Json;
  try {
    decoded = parseJsonLikeGo(text);
  } catch (error) {
    throw parseFailed((error as Error).message);
  }
  if (!Array.isArray(decoded)) throw parseFailed(`json: cannot unmarshal ${jsonType(decoded)} into Go value of type api.TxnOps`);
  if (decoded.length > MAX_TXN_OPS) {
    throw new ConsulHttpError(RegistryErrorCode.TooLarge, `Transaction contains too many operations (${decoded.length} > ${MAX_TXN_OPS})`);
  }
  return decoded.map((op, i) => parseOp(op, i));
}

function parseOp(raw: Json, i: number): KvTxnOp {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw parseFailed(`json: cannot unmarshal ${jsonType(raw)} into Go value of type api.TxnOp`);
  const op = new FieldReader(raw, 'TxnOp');
  const kv = rethrown(() => op.object('KV'));
  if (!kv) {
    const other = OTHER_KINDS.find((kind) => op.has(kind));
    if (other !== undefined) throw badRequest(`Transaction operation ${i}: ${other} operations are not supported by meshway-registry (KV only)`);
    throw badRequest(`Transaction operation ${i} names no operation: expected a "KV" object`);
  }
  const key = rethrown(() => kv.string('Key')) ?? '';
  const value = decodeValue(kv.raw('Value'));
  if (value !== null && Buffer.byteLength(value, 'base64') > MAX_KV_VALUE_BYTES) {
    throw new ConsulHttpError(RegistryErrorCode.TooLarge, `Value for key ${JSON.stringify(key)} is too large (${Buffer.byteLength(value, 'base64')} > ${MAX_KV_VALUE_BYTES} bytes)`);
  }
  return {
    verb: rethrown(() => kv.string('Verb')) ?? '',
    key,
    value,
    flags: uint(kv, 'Flags'),
    index: uint(kv, 'Index'),
    session: rethrown(() => kv.string('Session')) ?? '',
  };
}

/** `Value` is base64 (Go's strict StdEncoding) or null. An empty string is no value, as an empty KV PUT. */
function decodeValue(raw: unknown): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'string') throw parseFailed(`unexpected value type: ${goType(raw)}`);
  if (!STRICT_BASE64.test(raw)) throw parseFailed(`failed to decode value: illegal base64 data at input byte ${firstBadByte(raw)}`);
  return raw;
}

function uint(reader: FieldReader, name: string): number {
  const value = reader.raw(name);
  if (value === undefined) return 0;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) throw badRequest(`Invalid KV.${name} ${String(value)}: meshway-registry keeps at most ${Number.MAX_SAFE_INTEGER}`);
  throw parseFailed(`json: cannot unmarshal ${jsonType(value)} ${JSON.stringify(value)} into Go struct field KVTxnOp.KV.${name} of type uint64`);
}

/** FieldReader's errors say `Request decode failed:`; the txn endpoint says `Failed to parse body:`, as Consul. */
function rethrown<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConsulHttpError) throw parseFailed(error.message.replace(/^Request decode failed: /, ''));
    throw error;
  }
}

function firstBadByte(text: string): number {
  const bad = /[^A-Za-z0-9+/=]/.exec(text);
  if (bad) return bad.index;
  const padding = text.indexOf('=');
  return padding === -1 ? text.length - (text.length % 4) : padding;
}

const jsonType = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;

const goType = (value: unknown): string =>
  typeof value === 'number' ? 'float64' : typeof value === 'boolean' ? 'bool' : Array.isArray(value) ? '[]interface {}' : 'map[string]interface {}';
