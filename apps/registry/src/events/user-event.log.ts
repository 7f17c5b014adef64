import type { ChangeFeed } from '../state/change.feed.js';
import { Topic } from '../state/change.feed.js';

/** A user event as `/v1/event/*` shows it (Consul's field names). */
export interface UserEvent {
  readonly ID: string;
  readonly Name: string;
  /** Base64, or null without a payload. */
  readonly Payload: string | null;
  readonly NodeFilter: string;
  readonly ServiceFilter: string;
  readonly TagFilter: string;
  readonly Version: number;
  /** Lamport time of the event on this agent (0 in the answer to the fire itself, as in Consul). */
  readonly LTime: number;
}

/** Consul's agent keeps the last 256 user events it received. */
export const USER_EVENT_BUFFER_SIZE = 256;

/**
 * The events this agent received, oldest first, in a ring of 256 — in memory only, as on a Consul
 * agent (they do not survive a restart). Each new event wakes the blocking `/v1/event/list` queries.
 */
export class UserEventLog {
  private readonly ring: UserEvent[] = [];
  private next = 0;
  private clock = 0;

  constructor(private readonly feed: ChangeFeed) {}

  /** Keeps `event` with the next Lamport time, dropping the oldest past 256; returns what was kept. */
  ingest(event: Omit<UserEvent, 'LTime'>): UserEvent {
    this.clock += 1;
    const kept: UserEvent = { ...event, LTime: this.clock };
    if (this.ring.length < USER_EVENT_BUFFER_SIZE) this.ring.push(kept);
    else this.ring[this.next] = kept;
    this.next = (this.next + 1) % USER_EVENT_BUFFER_SIZE;
    this.feed.publish({ index: 0, topics: new Set([Topic.events]), kvKeys: [] });
    return kept;
  }

  /** Every kept event, oldest first. */
  list(): UserEvent[] {
    return this.ring.length < USER_EVENT_BUFFER_SIZE ? [...this.ring] : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }
}

/**
 * Consul's index for an event list: the last event's ID (a UUID) folded to 64 bits, high half XOR low
 * half. Not monotonic — a blocking list query answers once it differs from `?index`.
 */
export function eventIndex(id: string): bigint {
  const hex = id.replace(/-/g, '');
  return BigInt(`0x${hex.slice(0, 16)}`) ^ BigInt(`0x${hex.slice(16, 32)}`);
}
