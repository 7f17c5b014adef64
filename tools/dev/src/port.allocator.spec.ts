import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DevErrorCode } from './dev.errors.js';
import { allocatePorts, assertPortFree } from './port.allocator.js';

describe('allocatePorts', () => {
  it('returns distinct free ports, skipping the excluded ones', async () => {
    const [first = 0] = await allocatePorts(1);
    const ports = await allocatePorts(5, [first]);
    expect(new Set(ports).size).toBe(5);
    expect(ports).not.toContain(first);
    for (const port of ports) await expect(assertPortFree('PORT', port)).resolves.toBeUndefined();
  });
});

describe('assertPortFree', () => {
  it('fails with MESHWAY_DEV_PORT_IN_USE naming the variable when another process holds the port', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      await expect(assertPortFree('GATEWAY_PORT', port)).rejects.toThrow(
        expect.objectContaining({
          code: DevErrorCode.PortInUse,
          message: `GATEWAY_PORT=${port} cannot be used (EADDRINUSE): another process holds 127.0.0.1:${port}. Stop it (an earlier npm start?) or set GATEWAY_PORT.`,
        }),
      );
    } finally {
      server.close();
    }
  });
});
