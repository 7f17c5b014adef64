import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkPortFree, freePort, freePorts } from './free-port.js';

describe('freePorts', () => {
  it('returns distinct ports that can be bound, skipping the excluded ones', async () => {
    const first = await freePort();
    const ports = await freePorts(5, { exclude: [first] });
    expect(new Set(ports).size).toBe(5);
    expect(ports).not.toContain(first);
    for (const port of [first, ...ports]) expect(await checkPortFree(port)).toEqual({ free: true });
  });
});

describe('checkPortFree', () => {
  it('says why a port held by another server cannot be bound', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    try {
      expect(await checkPortFree(port)).toEqual({ free: false, reason: 'EADDRINUSE' });
    } finally {
      server.close();
    }
  });
});
