import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { invalidOption } from './events.options.js';

/** Header names as HTTP allows them (RFC 9110 tokens); NATS headers share the wire format. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Builds NATS headers from a record; undefined values are skipped. A bad name or a CR/LF in a value throws (it would break the frame). */
export function toNatsHeaders(record: Readonly<Record<string, string | undefined>> | undefined): MsgHdrs | undefined {
  if (!record) return undefined;
  const entries = Object.entries(record).filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (entries.length === 0) return undefined;
  const hdrs = natsHeaders();
  for (const [name, value] of entries) {
    if (!HEADER_NAME.test(name)) throw invalidOption('publish option', 'headers', name, 'header names made of token characters');
    if (typeof value !== 'string' || /[\r\n]/.test(value)) throw invalidOption('publish option', `headers.${name}`, value, 'a string without CR or LF');
    hdrs.set(name, value);
  }
  return hdrs;
}

/** A record of every header (first value of each), for handlers. */
export function fromNatsHeaders(hdrs: MsgHdrs | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  if (!hdrs) return record;
  for (const name of hdrs.keys()) record[name] = hdrs.get(name);
  return record;
}

/** A value that is safe in a header: one line, at most `max` characters. */
export function headerValue(text: string, max = 500): string {
  const line = text.replace(/[\r\n]+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
