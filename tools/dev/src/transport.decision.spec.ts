import { describe, expect, it } from 'vitest';
import { DevErrorCode } from './dev.errors.js';
import { decideTransport, needsNatsProbe } from './transport.decision.js';

const natsUrl = 'nats://127.0.0.1:4222';
const up = { reachable: true, url: natsUrl } as const;
const down = { reachable: false, reason: 'ECONNREFUSED' } as const;

describe('decideTransport', () => {
  it('auto: NATS when it answers', () => {
    expect(decideTransport({ mode: 'auto', natsUrl, probe: up, natsServices: [] })).toEqual({ transport: 'nats', line: 'Transport: NATS at nats://127.0.0.1:4222' });
  });

  it('auto: HTTP with the reason when NATS does not answer', () => {
    expect(decideTransport({ mode: 'auto', natsUrl, probe: down, natsServices: [] })).toEqual({
      transport: 'http',
      line: 'Transport: HTTP (NATS not reachable at nats://127.0.0.1:4222: ECONNREFUSED)',
    });
  });

  it('forced http or nats says so', () => {
    expect(decideTransport({ mode: 'http', natsUrl, natsServices: [] }).line).toBe('Transport: HTTP (forced by MESHWAY_TRANSPORT=http)');
    expect(decideTransport({ mode: 'nats', natsUrl, probe: up, natsServices: [] }).line).toBe(
      'Transport: NATS at nats://127.0.0.1:4222 (forced by MESHWAY_TRANSPORT=nats)',
    );
  });

  it('fails clearly, before anything starts, when NATS is needed but unreachable', () => {
    expect(() => decideTransport({ mode: 'nats', natsUrl, probe: down, natsServices: [] })).toThrow(
      expect.objectContaining({ code: DevErrorCode.NatsUnreachable, exitCode: 1, message: expect.stringContaining('but MESHWAY_TRANSPORT=nats') }),
    );
    expect(() => decideTransport({ mode: 'auto', natsUrl, probe: down, natsServices: ['orders', 'events'] })).toThrow(
      'NATS is not reachable at nats://127.0.0.1:4222 (ECONNREFUSED), but services orders, events use transport "nats". Start nats-server (with -js), set NATS_URL, or leave NATS services out with --only.',
    );
    expect(() => decideTransport({ mode: 'http', natsUrl, probe: down, natsServices: ['orders'] })).toThrow('but service orders uses transport "nats"');
  });

  it('probes NATS unless HTTP is forced and no NATS service is selected', () => {
    expect(needsNatsProbe('auto', [])).toBe(true);
    expect(needsNatsProbe('nats', [])).toBe(true);
    expect(needsNatsProbe('http', [])).toBe(false);
    expect(needsNatsProbe('http', ['orders'])).toBe(true);
  });
});
