/** What one durable write changed: the resource topics it touched and the KV keys it wrote or deleted. */
export interface ChangeEvent {
  readonly index: number;
  readonly topics: ReadonlySet<string>;
  readonly kvKeys: readonly string[];
}

/** What a blocking query waits on: any of `topics`, or a KV write under `kvPrefix` (or of exactly `kvKey`). */
export interface WatchSpec {
  readonly topics?: readonly string[];
  readonly kvPrefix?: string;
  readonly kvKey?: string;
}

interface Waiter {
  readonly spec: WatchSpec;
  readonly wake: () => void;
}

/**
 * Wakes blocking queries. Waiters are indexed by topic so a write wakes only the queries that read
 * what it touched (1,000 watchers of one service cost nothing to a write elsewhere). A waiter fires
 * once and is forgotten; the query re-reads and, if its index did not move, waits again.
 */
export class ChangeFeed {
  private readonly byTopic = new Map<string, Set<Waiter>>();
  private readonly kvWaiters = new Set<Waiter>();

  /** Calls `wake` once on the next matching change; returns a function that cancels the wait. */
  wait(spec: WatchSpec, wake: () => void): () => void {
    const waiter: Waiter = { spec, wake };
    for (const topic of spec.topics ?? []) {
      let set = this.byTopic.get(topic);
      if (!set) this.byTopic.set(topic, (set = new Set()));
      set.add(waiter);
    }
    if (spec.kvPrefix !== undefined || spec.kvKey !== undefined) this.kvWaiters.add(waiter);
    return () => {
      this.remove(waiter);
    };
  }

  publish(event: ChangeEvent): void {
    const woken = new Set<Waiter>();
    for (const topic of event.topics) for (const waiter of this.byTopic.get(topic) ?? []) woken.add(waiter);
    if (event.kvKeys.length > 0) {
      for (const waiter of this.kvWaiters) if (event.kvKeys.some((key) => matchesKv(waiter.spec, key))) woken.add(waiter);
    }
    for (const waiter of woken) {
      this.remove(waiter);
      waiter.wake();
    }
  }

  /** Number of waiting queries (for tests and the bench). */
  get size(): number {
    const all = new Set<Waiter>(this.kvWaiters);
    for (const set of this.byTopic.values()) for (const waiter of set) all.add(waiter);
    return all.size;
  }

  private remove(waiter: Waiter): void {
    for (const topic of waiter.spec.topics ?? []) {
      const set = this.byTopic.get(topic);
      set?.delete(waiter);
      if (set?.size === 0) this.byTopic.delete(topic);
    }
    this.kvWaiters.delete(waiter);
  }
}

function matchesKv(spec: WatchSpec, key: string): boolean {
  if (spec.kvKey !== undefined && key === spec.kvKey) return true;
  return spec.kvPrefix !== undefined && key.startsWith(spec.kvPrefix);
}

/** Topic names, in one place. */
export const Topic = {
  nodes: 'nodes',
  services: 'services',
  checks: 'checks',
  sessions: 'sessions',
  kv: 'kv',
  /** User events (memory only, not a durable write: published straight to the feed). */
  events: 'events',
  node: (name: string): string => `node:${name}`,
  service: (name: string): string => `service:${name}`,
} as const;
