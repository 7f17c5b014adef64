import type { TransportChoice, TransportMode } from '@meshway/transport';
import type { ServiceTransport } from './component.catalog.js';
import { DevError, DevErrorCode } from './dev.errors.js';

/** The one transport the whole platform uses (every child gets it in MESHWAY_TRANSPORT), and the banner line that says so. */
export interface TransportDecision {
  readonly transport: ServiceTransport;
  readonly line: string;
}

export interface TransportFacts {
  readonly mode: TransportMode;
  readonly natsUrl: string;
  /** `detectTransport({ mode: 'auto', … })` from `@meshway/transport`; absent when MESHWAY_TRANSPORT=http (nothing probed). */
  readonly probe?: TransportChoice;
}

const HTTP_EFFECT = 'NATS services serve their handlers over HTTP; events are off';
const NATS_EFFECT = 'NATS services answer over NATS';

/**
 * Decided once, for every child: `auto` → NATS where it answers, else HTTP; `http` → HTTP without probing;
 * `nats` → NATS, or `MESHWAY_DEV_NATS_UNREACHABLE` before anything starts when it does not answer.
 */
export function decideTransport(facts: TransportFacts): TransportDecision {
  const { mode, probe } = facts;
  if (mode === 'http') return { transport: 'http', line: `Transport: HTTP (forced by MESHWAY_TRANSPORT=http) — ${HTTP_EFFECT}` };
  if (!probe) throw new Error('decideTransport: a NATS probe result is needed unless MESHWAY_TRANSPORT=http');
  if (probe.transport === 'nats') {
    const forced = mode === 'nats' ? ' (forced by MESHWAY_TRANSPORT=nats)' : '';
    return { transport: 'nats', line: `Transport: ${probe.reason}${forced} — ${NATS_EFFECT}` };
  }
  if (mode === 'nats') {
    // detectTransport says `HTTP (NATS not reachable at <server>: <error>; …)`: keep what is inside.
    const why = /^HTTP \((.*)\)$/.exec(probe.reason)?.[1] ?? probe.reason;
    throw new DevError(
      DevErrorCode.NatsUnreachable,
      `MESHWAY_TRANSPORT=nats, but ${why}. Start nats-server (with -js), set NATS_URL, or use MESHWAY_TRANSPORT=auto (HTTP when NATS does not answer).`,
    );
  }
  return { transport: 'http', line: `Transport: ${probe.reason} — ${HTTP_EFFECT}` };
}

/** Whether NATS must be probed: always, unless HTTP is forced. */
export function needsNatsProbe(mode: TransportMode): boolean {
  return mode !== 'http';
}
