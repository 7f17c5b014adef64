import { FakeClock, waitFor } from '@meshway/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { eventIndex } from '../events/user-event.log.js';
import { rows, startFixture, type RegistryFixture } from '../spec/registry.fixture.js';

interface Event {
  readonly ID: string;
  readonly Name: string;
  readonly Payload: unknown;
  readonly NodeFilter: string;
  readonly ServiceFilter: string;
  readonly TagFilter: string;
  readonly Version: number;
  readonly LTime: number;
}

const header = (response: Response): string | null => response.headers.get('x-consul-index');

/** User events through the consul npm client (its acceptance tests), and raw where it cannot go. */
describe('user events (/v1/event)', () => {
  let fx: RegistryFixture;
  afterEach(async () => {
    await fx.stop();
  });

  it('fires an event and answers it with Consul’s fields (the client’s acceptance test)', async () => {
    fx = await startFixture();
    const fired = (await fx.consul.event.fire('deploy', JSON.stringify({ hello: 'world' }))) as Event;
    expect(Object.keys(fired).sort()).toEqual(['ID', 'LTime', 'Name', 'NodeFilter', 'Payload', 'ServiceFilter', 'TagFilter', 'Version']);
    expect(fired).toMatchObject({ Name: 'deploy', Payload: '{"hello":"world"}', NodeFilter: '', ServiceFilter: '', TagFilter: '', Version: 1, LTime: 0 });
    expect(fired.ID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const bare = (await fx.consul.event.fire('test')) as Event;
    expect(bare.Payload).toBeNull();
  });

  it('lists events oldest first, by name, with the payload as text or as a Buffer', async () => {
    fx = await startFixture();
    const payload = JSON.stringify({ hello: 'world' });
    const first = (await fx.consul.event.fire('first', payload)) as Event;
    await fx.consul.event.fire('second');
    const all = rows<Event>(await fx.consul.event.list());
    expect(all.map((e) => [e.Name, e.LTime])).toEqual([['first', 1], ['second', 2]]);
    const named = rows<Event>(await fx.consul.event.list('first'));
    expect(named.map((e) => [e.ID, e.Name, e.Payload])).toEqual([[first.ID, 'first', payload]]);
    const buffers = rows<Event>(await fx.consul.event.list({ name: 'first', buffer: true }));
    expect(buffers[0]?.Payload).toEqual(Buffer.from(payload));
  });

  it('derives X-Consul-Index from the last event’s ID (1 with no event), as Consul', async () => {
    fx = await startFixture();
    expect(header(await fx.http('/v1/event/list'))).toBe('1');
    const fired = (await fx.consul.event.fire('deploy')) as Event;
    expect(header(await fx.http('/v1/event/list'))).toBe(String(eventIndex(fired.ID)));
    expect(header(await fx.http('/v1/event/list?name=other'))).toBe('1');
    // Consul's uuidToUint64: the UUID's high and low 64 bits XORed.
    expect(eventIndex('00000000-0000-0001-0000-000000000003')).toBe(2n);
  });

  it('holds a blocking list until an event of that name arrives; others do not answer it', async () => {
    const clock = new FakeClock();
    fx = await startFixture({ clock });
    await fx.consul.event.fire('deploy', 'v1');
    const index = header(await fx.http('/v1/event/list?name=deploy')) ?? '';
    let answered = false;
    const blocked = fx.consul.event.list({ name: 'deploy', index, wait: '30s' }).finally(() => (answered = true));
    await waitFor(() => fx.registry.state.feed.size >= 1, { intervalMs: 10, message: 'the list query parked' });
    await fx.consul.event.fire('other');
    await waitFor(() => fx.registry.state.feed.size >= 1, { intervalMs: 10, message: 'parked again after an unrelated event' });
    expect(answered).toBe(false);
    await fx.consul.event.fire('deploy', 'v2');
    expect(rows<Event>(await blocked).map((e) => e.Payload)).toEqual(['v1', 'v2']);
  });

  it('answers a blocking list after ?wait with the same index when no event came', async () => {
    const clock = new FakeClock();
    fx = await startFixture({ clock });
    await fx.consul.event.fire('deploy');
    const index = header(await fx.http('/v1/event/list')) ?? '';
    const blocked = fx.http(`/v1/event/list?index=${index}&wait=10s`);
    await waitFor(() => fx.registry.state.feed.size >= 1, { intervalMs: 10, message: 'the list query parked' });
    await clock.advance(11_000);
    expect(header(await blocked)).toBe(index);
  });

  it('keeps the last 256 events in a ring, dropping the oldest', async () => {
    fx = await startFixture();
    for (let i = 0; i < 300; i++) await fx.http(`/v1/event/fire/e${i}`, { method: 'PUT' });
    const events = rows<Event>(await fx.consul.event.list());
    expect(events).toHaveLength(256);
    expect([events[0]?.Name, events.at(-1)?.Name]).toEqual(['e44', 'e299']);
    expect(events.map((e) => e.LTime)).toEqual(Array.from({ length: 256 }, (_, i) => 45 + i));
  });

  it('keeps an event only when its node/service/tag filters match this agent, as a Consul agent', async () => {
    fx = await startFixture();
    await fx.consul.agent.service.register({ name: 'web', id: 'web-1', tags: ['blue'] });
    const fire = (name: string, query: string): Promise<Response> => fx.http(`/v1/event/fire/${name}?${query}`, { method: 'PUT' });
    for (const [name, query] of [
      ['node-hit', 'node=^node-'],
      ['node-miss', 'node=^db-'],
      ['service-hit', 'service=we.'],
      ['service-miss', 'service=^api$'],
      ['tag-hit', 'service=web&tag=blu'],
      ['tag-miss', 'service=web&tag=green'],
      ['case-insensitive', 'node=(?i)^NODE-1$'],
      ['_rexec', ''],
    ] as const) {
      expect((await fire(name, query)).status).toBe(200);
    }
    expect(rows<Event>(await fx.consul.event.list()).map((e) => e.Name)).toEqual(['node-hit', 'service-hit', 'tag-hit', 'case-insensitive']);
  });

  it('refuses bad filters, an oversized event and a missing name with a 4xx (Consul: 500 for the first two)', async () => {
    fx = await startFixture();
    await fx.consul.agent.service.register({ name: `${'a'.repeat(40)}!`, id: 'slow' });
    const cases: [string, number, string | RegExp][] = [
      ['/v1/event/fire/x?tag=blue', 400, 'Cannot provide tag filter without service filter'],
      ['/v1/event/fire/x?node=(', 400, /^Invalid node filter: /],
      ['/v1/event/fire/x?service=%5B', 400, /^Invalid service filter: /],
      ['/v1/event/fire/x?service=%5E(a%2B)%2B%24', 400, /^Invalid event filter: matching it took over 100 ms/],
      ['/v1/event/fire/', 400, 'Missing name'],
    ];
    for (const [path, status, text] of cases) {
      const response = await fx.http(path, { method: 'PUT' });
      expect({ status: response.status, text: await response.text() }).toEqual({ status, text: typeof text === 'string' ? text : expect.stringMatching(text) });
    }
    const big = await fx.http('/v1/event/fire/big', { method: 'PUT', body: 'x'.repeat(450) });
    expect([big.status, await big.text()]).toEqual([413, 'user event exceeds configured limit of 512 bytes before encoding']);
    expect((await fx.http('/v1/event/fire/fits', { method: 'PUT', body: 'x'.repeat(400) })).status).toBe(200);
    expect(rows<Event>(await fx.consul.event.list()).map((e) => e.Name)).toEqual(['fits']);
  });

  it('keeps events in memory only: a restart starts with none, like a Consul agent', async () => {
    fx = await startFixture();
    await fx.consul.event.fire('before-restart');
    await fx.stop({ keepData: true });
    fx = await startFixture({ dataDir: fx.dataDir });
    expect(await fx.consul.event.list()).toEqual([]);
  });
});
