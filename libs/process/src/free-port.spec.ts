import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkPortFree, drawRange, freePort, freePorts, localDrawRange, PORT_DRAW_FLOOR } from './free-port.js';

describe('freePorts', () => {
  it('returns distinct ports that can be bound, skipping the excluded ones', async () => {
    const first = await freePort();
    const ports = await freePorts(5, { exclude: [first] });
    expect(new Set(ports).size).toBe(5);
    expect(ports).not.toContain(first);
    for (const port of [first, ...ports]) expect(await checkPortFree(port)).toEqual({ free: true });
  });

  it('draws below the kernel\'s ephemeral range, where no port-0 listener or outgoing connection can take a port meanwhile', async () => {
    const range = localDrawRange();
    if (range === undefined) return; // not Linux: the OS picks
    const ports = await freePorts(20);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(PORT_DRAW_FLOOR);
      expect(port).toBeLessThanOrEqual(range.high);
    }
  });

  it('does not hand the same port out twice in a row', async () => {
    const seen = new Set<number>();
    for (let i = 0; i < 50; i++) seen.add(await freePort());
    expect(seen.size).toBe(50);
  });
});

describe('drawRange', () => {
  it('reads the ephemeral range and draws from the floor up to just below it; none when it leaves no room or is unknown', () => {
    expect(drawRange('32768\t60999\n')).toEqual({ low: PORT_DRAW_FLOOR, high: 32_767 });
    expect(drawRange('1024 65535')).toBeUndefined();
    expect(drawRange(undefined)).toBeUndefined();
    expect(drawRange('garbage')).toBeUndefined();
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
