import { rmSync } from 'node:fs';
import { freePort, spawnTs, stopAllProcesses, type ManagedProcess } from '@meshway/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDataDir } from './registry.fixture.js';

const KV_WRITES = 1_000;
const REGISTRATIONS = 100;
/** Transactions of two keys each: after the crash, both keys or neither, and both when acknowledged. */
const TXNS = 50;
const CONCURRENCY = 50;
/** kill -9 once this many writes have been acknowledged: mid-stream, with writes in flight. */
const KILL_AFTER_ACKS = 400;

function startRegistryProcess(dataDir: string, port: number): ManagedProcess {
  return spawnTs('apps/registry/src/main.ts', {
    name: 'registry',
    env: { REGISTRY_PORT: String(port), REGISTRY_DATA_DIR: dataDir, LOG_LEVEL: 'info' },
  });
}

interface Write {
  readonly kind: 'kv' | 'service' | 'txn';
  readonly id: number;
  readonly request: () => Promise<Response>;
}

function writes(base: string): Write[] {
  const kv = Array.from({ length: KV_WRITES }, (_, i): Write => ({
    kind: 'kv',
    id: i,
    request: () => fetch(`${base}/v1/kv/crash/k${i}`, { method: 'PUT', body: `value-${i}` }),
  }));
  const services = Array.from({ length: REGISTRATIONS }, (_, i): Write => ({
    kind: 'service',
    id: i,
    request: () =>
      fetch(`${base}/v1/agent/service/register`, {
        method: 'PUT',
        body: JSON.stringify({ Name: `svc-${i % 10}`, ID: `crash-${i}`, Port: 10_000 + i, Check: { TTL: '1h' } }),
      }),
  }));
  const txns = Array.from({ length: TXNS }, (_, i): Write => ({
    kind: 'txn',
    id: i,
    request: () =>
      fetch(`${base}/v1/txn`, {
        method: 'PUT',
        body: JSON.stringify(['a', 'b'].map((part) => ({ KV: { Verb: 'set', Key: `crash/t${i}/${part}`, Value: Buffer.from(`txn-${i}`).toString('base64') } }))),
      }),
  }));
  // Interleave so every kind is in flight when the process dies.
  return kv.flatMap((w, i) => [w, ...(i % 10 === 0 && services[i / 10] ? [services[i / 10] as Write] : []), ...(i % 20 === 5 && txns[(i - 5) / 20] ? [txns[(i - 5) / 20] as Write] : [])]);
}

describe('crash safety (a real registry process, kill -9 mid-stream)', () => {
  const dataDir = tempDataDir();
  afterAll(async () => {
    await stopAllProcesses();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged KV write, registration and transaction (whole) after kill -9 and restart, and its indexes do not go back', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = startRegistryProcess(dataDir, port);
    await first.waitForHttp(`${base}/health`, 30_000);

    const acked: Write[] = [];
    let seenIndex = 0;
    let killed: Promise<void> | undefined;
    const queue = writes(base);
    const worker = async (): Promise<void> => {
      for (let write = queue.shift(); write; write = queue.shift()) {
        try {
          const response = await write.request();
          const body = await response.text();
          if (response.status === 200 && (write.kind !== 'kv' || body === 'true')) acked.push(write);
          if (acked.length % 50 === 0) seenIndex = Math.max(seenIndex, Number((await fetch(`${base}/v1/kv/crash/?keys`)).headers.get('x-consul-index')));
        } catch {
          // The process died under this request: it was never acknowledged.
        }
        if (acked.length >= KILL_AFTER_ACKS && !killed) killed = first.kill('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await killed;
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(acked.length).toBeLessThan(KV_WRITES + REGISTRATIONS + TXNS);

    const second = startRegistryProcess(dataDir, port);
    await second.waitForHttp(`${base}/health`, 30_000);
    // The start line is logged just after the port opens: wait for it rather than race it.
    expect(await second.waitForLine(/registry listening/, 30_000)).toMatch(/"recoveredFrom":"database"/);
    const keys = new Set((await (await fetch(`${base}/v1/kv/crash/?keys`)).json()) as string[]);
    const services = (await (await fetch(`${base}/v1/agent/services`)).json()) as Record<string, { Port: number }>;
    const lostKv = acked.filter((w) => w.kind === 'kv' && !keys.has(`crash/k${w.id}`));
    const lostServices = acked.filter((w) => w.kind === 'service' && services[`crash-${w.id}`]?.Port !== 10_000 + w.id);
    const lostTxns = acked.filter((w) => w.kind === 'txn' && !(keys.has(`crash/t${w.id}/a`) && keys.has(`crash/t${w.id}/b`)));
    const halfTxns = Array.from({ length: TXNS }, (_, i) => i).filter((i) => keys.has(`crash/t${i}/a`) !== keys.has(`crash/t${i}/b`));
    expect({ lostKv: lostKv.length, lostServices: lostServices.length, lostTxns: lostTxns.length, halfTxns }).toEqual({ lostKv: 0, lostServices: 0, lostTxns: 0, halfTxns: [] });
    const sample = acked.find((w) => w.kind === 'kv');
    expect(await (await fetch(`${base}/v1/kv/crash/k${sample?.id ?? 0}?raw`)).text()).toBe(`value-${sample?.id ?? 0}`);
    const index = Number((await fetch(`${base}/v1/kv/crash/?keys`)).headers.get('x-consul-index'));
    expect(index).toBeGreaterThanOrEqual(seenIndex);
    await second.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 90_000);
});
