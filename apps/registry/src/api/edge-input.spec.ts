import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RegistryError } from '../registry.errors.js';
import { startFixture, type RegistryFixture } from '../spec/registry.fixture.js';

const put = (fx: RegistryFixture, path: string, body: unknown): Promise<Response> =>
  fx.http(path, { method: 'PUT', body: typeof body === 'string' ? body : JSON.stringify(body) });

/** Inputs the fuzz spec found: each was a crash, a 500 or a write that did not come back intact after a restart. */
describe('edge inputs found by the fuzz', () => {
  let fx: RegistryFixture;
  const fatal: RegistryError[] = [];
  beforeEach(async () => {
    fatal.length = 0;
    fx = await startFixture({ onFatal: (error) => fatal.push(error) });
  });
  afterEach(async () => {
    await fx.stop();
  });

  const restart = async (): Promise<void> => {
    await fx.stop({ keepData: true });
    fx = await startFixture({ dataDir: fx.dataDir, onFatal: (error) => fatal.push(error) });
  };

  it('refuses names and keys the store cannot take with a 400, instead of a fatal commit failure', async () => {
    const long = 'k'.repeat(2_000);
    const answers = [
      await put(fx, `/v1/kv/${long}`, 'x'),
      await fx.http(`/v1/kv/${long}`, { method: 'DELETE' }),
      await put(fx, '/v1/txn', [{ KV: { Verb: 'set', Key: long, Value: null } }]),
      await put(fx, '/v1/agent/service/register', { Name: long }),
      await put(fx, '/v1/agent/service/register', { Name: 'web', ID: '\u00e9'.repeat(1_000) }),
      await put(fx, '/v1/catalog/register', { Node: long, Address: '10.0.0.1' }),
      await put(fx, '/v1/agent/check/register', { Name: 'c', ID: long, TTL: '10s' }),
    ];
    expect(answers.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400, 400]);
    expect(await answers[0]?.text()).toBe('Key too long: 2000 bytes; meshway-registry keeps keys of at most 1900 bytes');
    expect(await answers[3]?.text()).toBe(`Too long to store: "node-1/${'k'.repeat(33)}…" is 2007 bytes; meshway-registry keeps keys, names and IDs of at most 1900 bytes`);
    expect(fatal).toEqual([]);
    // Nothing half-applied, and the registry still writes.
    expect(await fx.consul.catalog.service.list()).toEqual({ consul: [] });
    expect(await fx.consul.kv.set('k'.repeat(1_900), 'fits')).toBe(true);
  });

  it('keeps a "__proto__" meta key (valid for Consul) across a restart', async () => {
    expect((await put(fx, '/v1/agent/service/register', '{"Name":"web","Meta":{"__proto__":"x","a":"b"}}')).status).toBe(200);
    await restart();
    const service = (await (await fx.http('/v1/agent/service/web')).json()) as { Meta: Record<string, string> };
    expect(Object.entries(service.Meta)).toEqual([['__proto__', 'x'], ['a', 'b']]);
  });

  it('decodes an escaped lone surrogate as U+FFFD, as Go does, so what is stored comes back the same', async () => {
    const answer = await put(fx, '/v1/txn', '[{"KV":{"Verb":"set","Key":"a\\ud800","Value":"eA=="}},{"KV":{"Verb":"get","Key":"a\\ufffd"}}]');
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { Results: { KV: { Key: string } }[] }).Results.map((r) => r.KV.Key)).toEqual(['a\ufffd', 'a\ufffd']);
    expect((await put(fx, '/v1/agent/service/register', '{"Name":"web","Tags":["\\udc00"]}')).status).toBe(200);
    await restart();
    expect(await (await fx.http('/v1/kv/a?keys')).json()).toEqual(['a\ufffd']);
    expect(await fx.consul.catalog.service.list()).toEqual({ consul: [], web: ['\ufffd'] });
  });

  it('refuses a node name with a NUL (it would alias another node’s records)', async () => {
    const answer = await put(fx, '/v1/catalog/register', { Node: 'a\u0000b', Address: '10.0.0.1', Service: { Service: 'db' } });
    expect([answer.status, await answer.text()]).toEqual([400, 'Invalid node name: it contains a NUL character']);
  });

  it('keeps the registry’s own node record (address, meta) when a catalog registration names it, as anti-entropy would', async () => {
    const answer = await put(fx, '/v1/catalog/register', { Node: 'node-1', Address: '10.9.9.9', NodeMeta: { a: 'b' }, Service: { Service: 'db', ID: 'db-1' } });
    expect(answer.status).toBe(200);
    const [node] = (await (await fx.http('/v1/catalog/nodes')).json()) as { Address: string; Meta: Record<string, string> }[];
    expect(node).toMatchObject({ Address: '127.0.0.1', Meta: { 'meshway-registry': expect.any(String) } });
    await restart();
    expect(await fx.consul.catalog.service.list()).toEqual({ consul: [], db: [] });
  });
});
