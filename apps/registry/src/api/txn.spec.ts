import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFixture, type RegistryFixture } from '../spec/registry.fixture.js';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

interface KvResult {
  readonly KV: { Key: string; Value: string | null; Flags: number; LockIndex: number; CreateIndex: number; ModifyIndex: number; Session?: string };
}
interface TxnAnswer {
  readonly Results: KvResult[] | null;
  readonly Errors: { OpIndex: number; What: string }[] | null;
}

/** `PUT /v1/txn` through the consul npm client's `transaction.create`, and raw where the client cannot go. */
describe('transactions (/v1/txn)', () => {
  let fx: RegistryFixture;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(async () => {
    await fx.stop();
  });

  /** The client throws on 409; the raw answer shows the body. */
  const txn = async (ops: unknown): Promise<{ status: number; body: TxnAnswer; headers: Headers }> => {
    const response = await fx.http('/v1/txn', { method: 'PUT', body: JSON.stringify(ops) });
    return { status: response.status, body: (await response.json()) as TxnAnswer, headers: response.headers };
  };

  it('sets two keys in one transaction (the consul client’s acceptance test), under one index', async () => {
    const answer = (await fx.consul.transaction.create([
      { KV: { Verb: 'set', Key: 'key1', Value: b64('value1') } },
      { KV: { Verb: 'set', Key: 'key2', Value: b64('value2') } },
    ])) as TxnAnswer;
    expect(answer.Errors).toBeNull();
    expect(answer.Results).toHaveLength(2);
    expect(Object.keys(answer.Results?.[0]?.KV ?? {}).sort()).toEqual(['CreateIndex', 'Flags', 'Key', 'LockIndex', 'ModifyIndex', 'Value']);
    expect(answer.Results?.map((r) => r.KV.Value)).toEqual([null, null]);
    expect(answer.Results?.[0]?.KV.ModifyIndex).toBe(answer.Results?.[1]?.KV.ModifyIndex);
    expect(await fx.consul.kv.get('key1')).toMatchObject({ Value: 'value1' });
    expect(await fx.consul.kv.get('key2')).toMatchObject({ Value: 'value2' });
  });

  it('applies nothing when one operation fails: 409 with every failure and its index', async () => {
    await fx.consul.kv.set('existing', 'old');
    const before = Number((await fx.http('/v1/kv/?recurse')).headers.get('x-consul-index'));
    const { status, body } = await txn([
      { KV: { Verb: 'set', Key: 'new', Value: b64('x') } },
      { KV: { Verb: 'delete', Key: 'existing' } },
      { KV: { Verb: 'check-not-exists', Key: 'existing' } },
      { KV: { Verb: 'cas', Key: 'other', Value: b64('y'), Index: 99 } },
    ]);
    expect(status).toBe(409);
    // The delete ran first, so check-not-exists passed: only the stale CAS failed, and the whole transaction is undone.
    expect(body).toEqual({ Results: null, Errors: [{ OpIndex: 3, What: 'failed to set key "other", index is stale' }] });
    expect(await fx.consul.kv.get('existing')).toMatchObject({ Value: 'old' });
    expect(await fx.consul.kv.get('new')).toBeUndefined();
    expect(Number((await fx.http('/v1/kv/?recurse')).headers.get('x-consul-index'))).toBe(before);
    await expect(fx.consul.transaction.create([{ KV: { Verb: 'get', Key: 'missing' } }])).rejects.toMatchObject({ response: { statusCode: 409 } });
  });

  it('reads: get and get-or-empty show values, get-tree lists a prefix, checks pass or fail with Consul’s messages', async () => {
    await fx.consul.kv.set('app/a', '1');
    await fx.consul.kv.set({ key: 'app/b', value: '2', flags: 5 });
    const a = (await fx.consul.kv.get('app/a')) as { ModifyIndex: number };
    const { status, body, headers } = await txn([
      { KV: { Verb: 'get', Key: 'app/a' } },
      { KV: { Verb: 'get-or-empty', Key: 'app/none', Flags: 3 } },
      { KV: { Verb: 'get-tree', Key: 'app/' } },
      { KV: { Verb: 'check-index', Key: 'app/a', Index: a.ModifyIndex } },
      { KV: { Verb: 'check-session', Key: 'app/a' } },
      { KV: { Verb: 'check-not-exists', Key: 'app/none' } },
    ]);
    expect(status).toBe(200);
    expect(headers.get('x-consul-knownleader')).toBe('true');
    expect(body.Results?.map((r) => [r.KV.Key, r.KV.Value, r.KV.Flags])).toEqual([
      ['app/a', b64('1'), 0],
      ['app/none', null, 3],
      ['app/a', b64('1'), 0],
      ['app/b', b64('2'), 5],
      ['app/a', null, 0],
      ['app/a', null, 0],
    ]);
    const failed = await txn([
      { KV: { Verb: 'get', Key: 'app/none' } },
      { KV: { Verb: 'check-index', Key: 'app/a', Index: a.ModifyIndex + 1 } },
      { KV: { Verb: 'check-index', Key: 'app/none', Index: 1 } },
      { KV: { Verb: 'check-session', Key: 'app/a', Session: 'abc' } },
      { KV: { Verb: 'check-not-exists', Key: 'app/b' } },
      { KV: { Verb: 'explode', Key: 'app/b' } },
    ]);
    expect(failed.body.Errors).toEqual([
      { OpIndex: 0, What: 'key "app/none" doesn\'t exist' },
      { OpIndex: 1, What: `failed index check for key "app/a", current modify index ${a.ModifyIndex} != ${a.ModifyIndex + 1}` },
      { OpIndex: 2, What: 'failed to check index, key "app/none" doesn\'t exist' },
      { OpIndex: 3, What: 'failed session check for key "app/a", current session "" != "abc"' },
      { OpIndex: 4, What: 'key "app/b" exists' },
      { OpIndex: 5, What: 'unknown KV verb "explode"' },
    ]);
  });

  it('locks and unlocks with a session, as acquire/release do', async () => {
    const session = ((await fx.consul.session.create({ lockdelay: '0s' })) as { ID: string }).ID;
    const other = ((await fx.consul.session.create()) as { ID: string }).ID;
    const locked = await txn([{ KV: { Verb: 'lock', Key: 'leader', Value: b64('me'), Session: session } }, { KV: { Verb: 'check-session', Key: 'leader', Session: session } }]);
    expect(locked.status).toBe(200);
    expect(locked.body.Results?.[0]?.KV).toMatchObject({ Key: 'leader', LockIndex: 1, Session: session, Value: null });
    const refused = await txn([
      { KV: { Verb: 'lock', Key: 'leader', Session: other } },
      { KV: { Verb: 'unlock', Key: 'leader', Session: other } },
      { KV: { Verb: 'lock', Key: 'x', Session: 'no-such-session' } },
      { KV: { Verb: 'lock', Key: 'y' } },
    ]);
    expect(refused.body.Errors).toEqual([
      { OpIndex: 0, What: 'failed to lock key "leader", lock is already held' },
      { OpIndex: 1, What: 'failed to unlock key "leader", lock isn\'t held, or is held by another session' },
      { OpIndex: 2, What: 'invalid session "no-such-session"' },
      { OpIndex: 3, What: 'missing session' },
    ]);
    const unlocked = await txn([{ KV: { Verb: 'unlock', Key: 'leader', Value: b64('free'), Session: session } }]);
    expect(unlocked.status).toBe(200);
    expect(await fx.consul.kv.get('leader')).toMatchObject({ Value: 'free', LockIndex: 1 });
    expect(((await fx.consul.kv.get('leader')) as { Session?: string }).Session).toBeUndefined();
  });

  it('refuses a lock under lock-delay before running anything', async () => {
    const holder = ((await fx.consul.session.create({ lockdelay: '30s' })) as { ID: string }).ID;
    const next = ((await fx.consul.session.create()) as { ID: string }).ID;
    await fx.consul.kv.set({ key: 'job', value: 'x', acquire: holder });
    await fx.consul.session.destroy(holder);
    const { status, body } = await txn([{ KV: { Verb: 'set', Key: 'side', Value: b64('1') } }, { KV: { Verb: 'lock', Key: 'job', Session: next } }]);
    expect(status).toBe(409);
    expect(body.Errors).toEqual([{ OpIndex: 1, What: 'failed to lock key "job" due to lock delay' }]);
    expect(await fx.consul.kv.get('side')).toBeUndefined();
  });

  it('deletes: delete, delete-tree and delete-cas (a gone key counts as deleted), without result rows', async () => {
    for (const key of ['t/a', 't/b', 'u', 'v']) await fx.consul.kv.set(key, key);
    const v = (await fx.consul.kv.get('v')) as { ModifyIndex: number };
    const stale = await txn([{ KV: { Verb: 'delete-cas', Key: 'v', Index: v.ModifyIndex - 1 } }]);
    expect(stale.body.Errors).toEqual([{ OpIndex: 0, What: 'failed to delete key "v", index is stale' }]);
    const { status, body } = await txn([
      { KV: { Verb: 'delete-tree', Key: 't/' } },
      { KV: { Verb: 'delete', Key: 'u' } },
      { KV: { Verb: 'delete-cas', Key: 'v', Index: v.ModifyIndex } },
      { KV: { Verb: 'delete-cas', Key: 'never-was', Index: 7 } },
    ]);
    expect([status, body]).toEqual([200, { Results: [], Errors: null }]);
    expect((await fx.http('/v1/kv/?keys')).status).toBe(404);
  });

  it('refuses malformed bodies with 400 and a clear reason, and oversized ones with 413', async () => {
    const cases: [unknown, number, string | RegExp][] = [
      ['{"KV": ', 400, /^Failed to parse body: /],
      [{ KV: { Verb: 'set', Key: 'a' } }, 400, 'Failed to parse body: json: cannot unmarshal object into Go value of type api.TxnOps'],
      [[42], 400, 'Failed to parse body: json: cannot unmarshal number into Go value of type api.TxnOp'],
      [[{ KV: { Verb: 'set', Key: 'a', Value: 'not base64!' } }], 400, 'Failed to parse body: failed to decode value: illegal base64 data at input byte 3'],
      [[{ KV: { Verb: 'set', Key: 'a', Value: 5 } }], 400, 'Failed to parse body: unexpected value type: float64'],
      [[{ KV: { Verb: 'set', Key: 7 } }], 400, 'Failed to parse body: json: cannot unmarshal number into Go struct field TxnOp.KV.Key of type string'],
      [[{ KV: { Verb: 'set', Key: 'a', Flags: -1 } }], 400, 'Failed to parse body: json: cannot unmarshal number -1 into Go struct field KVTxnOp.KV.Flags of type uint64'],
      [[{ Node: { Verb: 'set', Node: { Node: 'n' } } }], 400, 'Transaction operation 0: Node operations are not supported by meshway-registry (KV only)'],
      [[{}], 400, 'Transaction operation 0 names no operation: expected a "KV" object'],
      [Array.from({ length: 129 }, (_, i) => ({ KV: { Verb: 'set', Key: `k${i}` } })), 413, 'Transaction contains too many operations (129 > 128)'],
      [[{ KV: { Verb: 'set', Key: 'big', Value: Buffer.alloc(600_000).toString('base64') } }], 413, 'Request body too large, max size: 524288 bytes'],
    ];
    for (const [body, status, text] of cases) {
      const response = await fx.http('/v1/txn', { method: 'PUT', body: typeof body === 'string' ? body : JSON.stringify(body) });
      expect({ status: response.status, text: await response.text() }).toEqual({ status, text: typeof text === 'string' ? text : expect.stringMatching(text) });
    }
    const empty = await txn([{ KV: { Verb: 'set', Key: '' } }]);
    expect(empty.body.Errors).toEqual([{ OpIndex: 0, What: 'Must provide key' }]);
    expect((await fx.http('/v1/txn', { method: 'GET' })).status).toBe(405);
  });

  it('takes 128 operations in one transaction, all under one index, and keeps them across a restart', async () => {
    const ops = Array.from({ length: 128 }, (_, i) => ({ KV: { Verb: 'set', Key: `bulk/${String(i).padStart(3, '0')}`, Value: b64(String(i)) } }));
    const before = fx.registry.state.lastIndex;
    const { status, body } = await txn(ops);
    expect(status).toBe(200);
    // One raft-like index, so one write and one durable commit (one fsync) for the whole transaction.
    expect(fx.registry.state.lastIndex).toBe(before + 1);
    expect(new Set(body.Results?.map((r) => r.KV.ModifyIndex))).toEqual(new Set([before + 1]));
    await fx.stop({ keepData: true });
    fx = await startFixture({ dataDir: fx.dataDir });
    expect(await fx.consul.kv.keys('bulk/')).toHaveLength(128);
  });
});
