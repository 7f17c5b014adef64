/**
 * Serf's `UserEventSizeLimit` (512 bytes by default, which Consul keeps): Consul gossips an event as
 * serf event `consul:event:<name>` whose payload is the msgpack-encoded event, and serf refuses the pair
 * over the limit. This computes that size exactly for the event's fields, so the registry refuses what
 * Consul would.
 */
export const USER_EVENT_SIZE_LIMIT = 512;

const SERF_NAME_PREFIX = 'consul:event:';
/** A random UUID: a msgpack str8 of 36 bytes. */
const ID_BYTES = 2 + 36;

export interface UserEventFields {
  readonly name: string;
  readonly payload: Buffer;
  readonly nodeFilter: string;
  readonly serviceFilter: string;
  readonly tagFilter: string;
}

export function userEventSize(event: UserEventFields): number {
  const name = Buffer.byteLength(event.name);
  // Fields: ID, n (name), p (payload, omitted when empty), nf/sf/tf (filters, omitted when empty), v (version 1).
  const optional: [string, number][] = [['p', event.payload.length], ['nf', Buffer.byteLength(event.nodeFilter)], ['sf', Buffer.byteLength(event.serviceFilter)], ['tf', Buffer.byteLength(event.tagFilter)]];
  let size = 1 + key('ID') + ID_BYTES + key('n') + str(name) + key('v') + 1;
  for (const [field, length] of optional) if (length > 0) size += key(field) + (field === 'p' ? bin(length) : str(length));
  return Buffer.byteLength(SERF_NAME_PREFIX) + name + size;
}

const key = (name: string): number => 1 + name.length;
const str = (length: number): number => (length < 32 ? 1 : length < 256 ? 2 : length < 65_536 ? 3 : 5) + length;
const bin = (length: number): number => (length < 256 ? 2 : length < 65_536 ? 3 : 5) + length;
