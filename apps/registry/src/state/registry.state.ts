import { badRequest, RegistryError, RegistryErrorCode } from '../registry.errors.js';
import { MAX_STORE_KEY_BYTES, type DurableStore, type LoadedState, type StoreOp } from '../store/store.types.js';
import { ChangeFeed, type ChangeEvent } from './change.feed.js';
import { StateTables } from './state.tables.js';
import type { RecordChange } from './record-change.js';
import { WriteTx } from './write.tx.js';

/** Past this many KV tombstones the oldest are dropped; their indexes live on in a floor value. */
const MAX_TOMBSTONES = 10_000;

/** The outcome of {@link RegistryState.write}. */
export interface WriteResult<T> {
  readonly result: T;
  /** The index the write got, or the current index when it changed nothing. */
  readonly index: number;
  /** Resolves once the write is on disk (immediately when it changed nothing). */
  readonly durable: Promise<void>;
}

interface PendingCommit {
  readonly event: ChangeEvent;
  done: boolean;
}

/**
 * The registry's state: in-memory tables (all reads), a raft-like index, per-resource indexes, and
 * the write path to disk. A write runs synchronously against memory (so validation and the change
 * are atomic), then its ops go to the store; blocking queries are woken only once it is durable, and
 * readers call {@link whenDurable} before answering so nobody is shown data that could be lost.
 */
export class RegistryState {
  readonly tables = new StateTables();
  readonly feed = new ChangeFeed();
  /** Index of the latest applied write. */
  lastIndex: number;
  /** Index of the latest write known to be on disk. */
  private durableIndex: number;
  private readonly topicIndex: Map<string, number>;
  private kvTombstoneFloor: number;
  private readonly pending: PendingCommit[] = [];
  private durableWaiters: { index: number; resolve: () => void }[] = [];
  private readonly listeners: ((changes: readonly RecordChange[]) => void)[] = [];

  constructor(
    private readonly store: DurableStore,
    loaded: LoadedState,
    private readonly onCommitFailed: (error: RegistryError) => void,
  ) {
    this.lastIndex = loaded.lastIndex;
    this.durableIndex = loaded.lastIndex;
    this.topicIndex = new Map(loaded.indexes);
    this.kvTombstoneFloor = this.topicIndex.get('#kvTombstoneFloor') ?? 0;
    this.fill(loaded);
  }

  /** Runs `fn` as one atomic write. If it throws, memory is rolled back and nothing is written. */
  write<T>(fn: (tx: WriteTx) => T): WriteResult<T> {
    const tx = new WriteTx(this.tables, this.lastIndex + 1);
    let result: T;
    try {
      result = fn(tx);
    } catch (error) {
      tx.rollback();
      throw error;
    }
    if (!tx.changed) return { result, index: this.lastIndex, durable: Promise.resolve() };
    const oversized = oversizedKey(tx);
    if (oversized !== undefined) {
      tx.rollback();
      throw badRequest(`Too long to store: ${oversized}; meshway-registry keeps keys, names and IDs of at most ${MAX_STORE_KEY_BYTES} bytes`);
    }
    this.lastIndex = tx.index;
    const ops = [...tx.ops, ...this.indexOps(tx), { table: 'meta', key: 'lastIndex', value: tx.index } as const];
    const pending: PendingCommit = { event: { index: tx.index, topics: tx.topics, kvKeys: tx.kvKeys }, done: false };
    this.pending.push(pending);
    for (const listener of this.listeners) listener(tx.changes);
    const durable = this.store.commit(ops).then(
      () => {
        pending.done = true;
        this.advance();
      },
      (error: unknown) => {
        const failure = new RegistryError(RegistryErrorCode.CommitFailed, `could not write index ${tx.index} to disk`, { cause: error });
        this.onCommitFailed(failure);
        throw failure;
      },
    );
    return { result, index: tx.index, durable };
  }

  /** Whether every write up to `index` is on disk already. */
  isDurable(index = this.lastIndex): boolean {
    return index <= this.durableIndex;
  }

  /** Resolves once every write up to `index` is on disk. */
  whenDurable(index = this.lastIndex): Promise<void> {
    if (index <= this.durableIndex) return Promise.resolve();
    return new Promise((resolve) => this.durableWaiters.push({ index, resolve }));
  }

  /** The highest index of `topics` (at least 1: Consul never answers index 0). */
  indexOf(...topics: string[]): number {
    let max = 1;
    for (const topic of topics) max = Math.max(max, this.topicIndex.get(topic) ?? 0);
    return max;
  }

  /** Index of a KV read: the newest entry or delete under `prefix` (or of exactly `key`). */
  kvIndex(match: (key: string) => boolean): number {
    let max = 0;
    for (const entry of this.tables.kv.values()) if (entry.ModifyIndex > max && match(entry.Key)) max = entry.ModifyIndex;
    for (const [key, index] of this.tables.tombstones) if (index > max && match(key)) max = index;
    return Math.max(max, this.kvTombstoneFloor, max === 0 ? this.indexOf('kv') : 1);
  }

  /** Calls `listener` synchronously after each applied write with the records it changed. */
  onChange(listener: (changes: readonly RecordChange[]) => void): void {
    this.listeners.push(listener);
  }

  private indexOps(tx: WriteTx): StoreOp[] {
    const ops: StoreOp[] = [];
    for (const topic of tx.topics) {
      this.topicIndex.set(topic, tx.index);
      ops.push({ table: 'indexes', key: topic, value: tx.index });
    }
    if (this.tables.tombstones.size > MAX_TOMBSTONES) ops.push(...this.evictTombstones());
    return ops;
  }

  private evictTombstones(): StoreOp[] {
    const ops: StoreOp[] = [];
    for (const [key, index] of this.tables.tombstones) {
      if (this.tables.tombstones.size <= MAX_TOMBSTONES) break;
      this.tables.tombstones.delete(key);
      this.kvTombstoneFloor = Math.max(this.kvTombstoneFloor, index);
      ops.push({ table: 'tombstones', key, value: undefined });
    }
    this.topicIndex.set('#kvTombstoneFloor', this.kvTombstoneFloor);
    ops.push({ table: 'indexes', key: '#kvTombstoneFloor', value: this.kvTombstoneFloor });
    return ops;
  }

  /** Commits finish in order; wake queries and readers for every leading commit that is done. */
  private advance(): void {
    while (this.pending[0]?.done === true) {
      const { event } = this.pending.shift() as PendingCommit;
      this.durableIndex = event.index;
      this.feed.publish(event);
    }
    const ready = this.durableWaiters.filter((w) => w.index <= this.durableIndex);
    this.durableWaiters = this.durableWaiters.filter((w) => w.index > this.durableIndex);
    for (const waiter of ready) waiter.resolve();
  }

  private fill(loaded: LoadedState): void {
    for (const node of loaded.nodes) this.tables.nodes.set(node.Node, node);
    for (const service of loaded.services) if (this.tables.nodes.has(service.Node)) this.tables.setService(service);
    for (const check of loaded.checks) if (this.tables.nodes.has(check.Node)) this.tables.setCheck(check);
    for (const entry of loaded.kv) this.tables.kv.set(entry.Key, entry);
    for (const session of loaded.sessions) this.tables.sessions.set(session.ID, session);
    for (const [key, index] of [...loaded.tombstones].sort((a, b) => a[1] - b[1])) this.tables.tombstones.set(key, index);
  }
}

/**
 * A key this write would store that the store cannot take (a record key, or a per-resource index named
 * after a service or node), described for the error; undefined when all fit. Checked before the commit:
 * a refused commit would be fatal.
 */
function oversizedKey(tx: WriteTx): string | undefined {
  const tooLong = (key: string): boolean => key.length * 3 > MAX_STORE_KEY_BYTES && Buffer.byteLength(key) > MAX_STORE_KEY_BYTES;
  const key = tx.ops.map((op) => op.key).find(tooLong) ?? [...tx.topics].find(tooLong);
  return key === undefined ? undefined : `"${key.slice(0, 40).replaceAll('\u0000', '/')}…" is ${Buffer.byteLength(key)} bytes`;
}
