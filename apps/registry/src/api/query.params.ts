import type { Random } from '@meshway/clock';
import { parseGoDuration } from '../model/go-duration.js';
import { badRequest } from '../registry.errors.js';

export type Query = Readonly<Record<string, string | string[] | undefined>>;

/** Consul's limits on `?wait`. */
export const DEFAULT_WAIT_MS = 5 * 60_000;
export const MAX_WAIT_MS = 10 * 60_000;

/** The first value of `name` (Go's `Query().Get`), or undefined when absent. */
export function stringParam(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Every value of `name` (`?tag=a&tag=b`). */
export function listParam(query: Query, name: string): string[] {
  const value = query[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** `?passing`, `?recurse`…: present without a value means true; otherwise a Go bool. */
export function boolParam(query: Query, name: string): boolean {
  const value = stringParam(query, name);
  if (value === undefined) return false;
  if (value === '') return true;
  const parsed = GO_BOOLS[value];
  if (parsed === undefined) throw badRequest(`Invalid value for ?${name}: ${JSON.stringify(value)} is not a boolean`);
  return parsed;
}

const GO_BOOLS: Readonly<Record<string, boolean>> = {
  '1': true, t: true, T: true, true: true, TRUE: true, True: true,
  '0': false, f: false, F: false, false: false, FALSE: false, False: false,
};

/** A non-negative integer parameter (`?cas`, `?flags`, `?index`), or undefined when absent. */
export function uintParam(query: Query, name: string, label = name): number | undefined {
  const value = stringParam(query, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw badRequest(`Invalid ${label}: ${JSON.stringify(value)} is not an unsigned integer (max ${Number.MAX_SAFE_INTEGER})`);
  }
  return Number(value);
}

/** Go's `strconv.ParseUint(…, 10, 64)` range: Consul takes any uint64 `?index` (event indexes use all 64 bits). */
const MAX_UINT64 = 2n ** 64n - 1n;

export interface BlockingParams {
  /** Block while the resource index is <= this (or, for event lists, equal to it); 0 = answer at once. */
  readonly minIndex: bigint;
  /** How long to block, jitter included. */
  readonly waitMs: number;
}

/** `?index` and `?wait`: default wait 5 min, capped at 10 min, plus Consul's random jitter of up to wait/16. */
export function blockingParams(query: Query, random: Random): BlockingParams {
  const minIndex = indexParam(query);
  const waitText = stringParam(query, 'wait');
  let waitMs = DEFAULT_WAIT_MS;
  if (waitText !== undefined && waitText !== '') {
    const parsed = parseGoDuration(waitText);
    if (parsed === undefined || parsed < 0) throw badRequest(`Invalid wait time: ${JSON.stringify(waitText)} is not a duration such as "10s" or "5m"`);
    waitMs = parsed === 0 ? DEFAULT_WAIT_MS : Math.min(parsed, MAX_WAIT_MS);
  }
  return { minIndex, waitMs: waitMs + random() * (waitMs / 16) };
}

function indexParam(query: Query): bigint {
  const value = stringParam(query, 'index');
  if (value === undefined || value === '') return 0n;
  if (!/^\d{1,20}$/.test(value) || BigInt(value) > MAX_UINT64) {
    throw badRequest(`Invalid index: ${JSON.stringify(value)} is not an unsigned integer (max ${MAX_UINT64})`);
  }
  return BigInt(value);
}
