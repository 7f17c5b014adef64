import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The header that carries a request's id in and out of every Meshway process. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** An id a client may choose: 1–128 characters of letters, digits and `._:-` (safe in logs and headers). */
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type Headers = IncomingHttpHeaders | Readonly<Record<string, string | string[] | undefined>>;

/** Keeps a sane incoming `x-request-id`; otherwise a fresh UUID. */
export function requestIdFrom(headers: Headers): string {
  const given = firstValue(headers[REQUEST_ID_HEADER]);
  return given !== undefined && SANE_ID.test(given) ? given : randomUUID();
}

export function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
