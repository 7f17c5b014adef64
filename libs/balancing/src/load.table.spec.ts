import { describe, expect, it } from 'vitest';
import { LoadTable } from './load.table.js';

describe('LoadTable', () => {
  it('counts requests in flight per instance and ends each once', () => {
    const table = new LoadTable();
    const endA = table.begin('a');
    table.begin('a');
    expect(table.peek('a')?.inflight).toBe(2);
    endA({ ok: true, latencyMs: 1 });
    endA({ ok: true, latencyMs: 1 });
    expect(table.peek('a')?.inflight).toBe(1);
  });

  it('forgets idle instances that got no request for a sweep window, but never busy ones', () => {
    const table = new LoadTable();
    table.begin('gone')({ ok: true, latencyMs: 1 });
    table.begin('busy');
    for (let i = 0; i < 9_000; i++) table.begin('steady')({ ok: true, latencyMs: 1 });
    expect(table.peek('gone')).toBeUndefined();
    expect(table.peek('busy')?.inflight).toBe(1);
    expect(table.size).toBe(2);
  });
});
