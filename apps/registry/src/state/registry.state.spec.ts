import { describe, expect, it } from 'vitest';
import type { DurableStore, LoadedState, StoreOp } from '../store/store.types.js';
import { Topic } from './change.feed.js';
import { kvSet } from './kv.ops.js';
import { RegistryState } from './registry.state.js';

/** A store whose commits complete only when the test says so: "on disk" is under the test's control. */
class GatedStore implements DurableStore {
  readonly commits: { ops: readonly StoreOp[]; done: () => void; fail: (error: Error) => void }[] = [];

  commit(ops: readonly StoreOp[]): Promise<void> {
    return new Promise((resolve, reject) => this.commits.push({ ops, done: resolve, fail: reject }));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const empty = (): LoadedState => ({ nodes: [], services: [], checks: [], kv: [], sessions: [], indexes: new Map(), tombstones: new Map(), lastIndex: 0 });
const put = (state: RegistryState, key: string, value: string) => state.write((tx) => kvSet(tx, { key, value, flags: 0 }, 0));
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('RegistryState', () => {
  it('resolves a write only after its commit is on disk', async () => {
    const store = new GatedStore();
    const state = new RegistryState(store, empty(), () => undefined);
    let durable = false;
    void put(state, 'a', 'djE=').durable.then(() => (durable = true));
    await flush();
    expect(durable).toBe(false);
    store.commits[0]?.done();
    await flush();
    expect(durable).toBe(true);
  });

  it('wakes blocking queries only once the write is durable, and in index order', async () => {
    const store = new GatedStore();
    const state = new RegistryState(store, empty(), () => undefined);
    const woken: number[] = [];
    state.feed.wait({ kvKey: 'a' }, () => woken.push(state.indexOf(Topic.kv)));
    put(state, 'a', 'djE=');
    put(state, 'b', 'djI=');
    store.commits[1]?.done();
    await flush();
    expect(woken).toEqual([]);
    store.commits[0]?.done();
    await flush();
    expect(woken).toEqual([2]);
  });

  it('makes readers wait for the durability of what they would show', async () => {
    const store = new GatedStore();
    const state = new RegistryState(store, empty(), () => undefined);
    put(state, 'a', 'djE=');
    let readable = false;
    void state.whenDurable().then(() => (readable = true));
    await flush();
    expect(readable).toBe(false);
    store.commits[0]?.done();
    await flush();
    expect(readable).toBe(true);
  });

  it('writes nothing and keeps every index for a write that changes nothing', () => {
    const store = new GatedStore();
    const state = new RegistryState(store, empty(), () => undefined);
    const first = put(state, 'a', 'djE=');
    const again = put(state, 'a', 'djE=');
    expect(again.index).toBe(first.index);
    expect(store.commits).toHaveLength(1);
    expect(state.indexOf(Topic.kv)).toBe(first.index);
  });

  it('rolls memory back when a write throws half-way, and commits nothing', () => {
    const store = new GatedStore();
    const state = new RegistryState(store, empty(), () => undefined);
    expect(() =>
      state.write((tx) => {
        kvSet(tx, { key: 'half', value: null, flags: 0 }, 0);
        throw new Error('validation failed late');
      }),
    ).toThrow('validation failed late');
    expect(state.tables.kv.has('half')).toBe(false);
    expect(state.lastIndex).toBe(0);
    expect(store.commits).toHaveLength(0);
  });

  it('persists the index of every touched topic with the data, in one commit', () => {
    const store = new GatedStore();
    const state = new RegistryState(store, empty(), () => undefined);
    put(state, 'a', 'djE=');
    expect(store.commits[0]?.ops).toEqual(
      expect.arrayContaining([
        { table: 'kv', key: 'a', value: expect.objectContaining({ Key: 'a', ModifyIndex: 1 }) },
        { table: 'indexes', key: Topic.kv, value: 1 },
        { table: 'meta', key: 'lastIndex', value: 1 },
      ]),
    );
  });

  it('reports a failed commit as fatal', async () => {
    const store = new GatedStore();
    const fatal: string[] = [];
    const state = new RegistryState(store, empty(), (error) => fatal.push(error.code));
    const write = put(state, 'a', 'djE=');
    store.commits[0]?.fail(new Error('ENOSPC'));
    await expect(write.durable).rejects.toMatchObject({ code: 'MESHWAY_REGISTRY_COMMIT_FAILED' });
    expect(fatal).toEqual(['MESHWAY_REGISTRY_COMMIT_FAILED']);
  });
});
