import { freePort } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { decideTransport } from './transport.decision.js';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

describe('decideTransport: MESHWAY_TRANSPORT for a service', () => {
  it('serves HTTP for an HTTP service, whatever MESHWAY_TRANSPORT says', async () => {
    expect(await decideTransport('http', { MESHWAY_TRANSPORT: 'nats', NATS_URL: [NATS_URL] })).toEqual({ declared: 'http', served: 'http', reason: 'an HTTP service' });
  });

  it('takes http and nats as given for a NATS service (nats is checked when connecting)', async () => {
    const closed = [`nats://127.0.0.1:${await freePort()}`];
    expect(await decideTransport('nats', { MESHWAY_TRANSPORT: 'http', NATS_URL: [NATS_URL] })).toEqual({ declared: 'nats', served: 'http', reason: 'MESHWAY_TRANSPORT=http' });
    expect(await decideTransport('nats', { MESHWAY_TRANSPORT: 'nats', NATS_URL: closed })).toEqual({ declared: 'nats', served: 'nats', reason: 'MESHWAY_TRANSPORT=nats' });
  });

  it('auto: NATS when it answers, else HTTP, saying why', async () => {
    expect(await decideTransport('nats', { MESHWAY_TRANSPORT: 'auto', NATS_URL: [NATS_URL] })).toEqual({ declared: 'nats', served: 'nats', reason: `MESHWAY_TRANSPORT=auto, NATS reachable at ${NATS_URL}` });
    const closed = `nats://127.0.0.1:${await freePort()}`;
    expect(await decideTransport('nats', { MESHWAY_TRANSPORT: 'auto', NATS_URL: [closed] })).toEqual({
      declared: 'nats',
      served: 'http',
      reason: `MESHWAY_TRANSPORT=auto, NATS not reachable at ${closed}: ECONNREFUSED`,
    });
  });
});
