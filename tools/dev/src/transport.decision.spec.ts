import { describe, expect, it } from 'vitest';
import { DevErrorCode } from './dev.errors.js';
import { decideTransport, needsNatsProbe } from './transport.decision.js';

const natsUrl = 'nats://127.0.0.1:4222';
// What detectTransport from @meshway/transport answers in auto mode.
const up = { transport: 'nats', reason: 'NATS reachable at nats://127.0.0.1:4222' } as const;
const down = { transport: 'http', reason: 'HTTP (NATS not reachable at nats://127.0.0.1:4222: ECONNREFUSED)' } as const;

describe('decideTransport', () => {
  it('auto: NATS when it answers', () => {
    expect(decideTransport({ mode: 'auto', natsUrl, probe: up })).toEqual({
      transport: 'nats',
      line: 'Transport: NATS reachable at nats://127.0.0.1:4222 — NATS services answer over NATS',
    });
  });

  it('auto: HTTP with the reason when NATS does not answer, saying what that means, in one line', () => {
    expect(decideTransport({ mode: 'auto', natsUrl, probe: down })).toEqual({
      transport: 'http',
      line: 'Transport: HTTP (NATS not reachable at nats://127.0.0.1:4222: ECONNREFUSED) — NATS services serve their handlers over HTTP; events are off',
    });
  });

  it('forced http or nats says so', () => {
    expect(decideTransport({ mode: 'http', natsUrl })).toEqual({
      transport: 'http',
      line: 'Transport: HTTP (forced by MESHWAY_TRANSPORT=http) — NATS services serve their handlers over HTTP; events are off',
    });
    expect(decideTransport({ mode: 'nats', natsUrl, probe: up }).line).toBe(
      'Transport: NATS reachable at nats://127.0.0.1:4222 (forced by MESHWAY_TRANSPORT=nats) — NATS services answer over NATS',
    );
  });

  it('refuses clearly, before anything starts, when NATS is forced but does not answer', () => {
    expect(() => decideTransport({ mode: 'nats', natsUrl, probe: down })).toThrow(
      expect.objectContaining({
        code: DevErrorCode.NatsUnreachable,
        exitCode: 1,
        message:
          'MESHWAY_TRANSPORT=nats, but NATS not reachable at nats://127.0.0.1:4222: ECONNREFUSED. Start nats-server (with -js), set NATS_URL, or use MESHWAY_TRANSPORT=auto (HTTP when NATS does not answer).',
      }),
    );
  });

  it('probes NATS unless HTTP is forced', () => {
    expect(needsNatsProbe('auto')).toBe(true);
    expect(needsNatsProbe('nats')).toBe(true);
    expect(needsNatsProbe('http')).toBe(false);
  });
});
