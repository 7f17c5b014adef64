import type { ServiceTransport } from './component.catalog.js';
import { DevError, DevErrorCode } from './dev.errors.js';
import type { NatsProbeResult } from './nats.probe.js';
import type { TransportMode } from './platform.env.js';

/** Which transport the platform uses between gateway and services, and the banner line that says so. */
export interface TransportDecision {
  readonly transport: ServiceTransport;
  readonly line: string;
}

export interface TransportFacts {
  readonly mode: TransportMode;
  readonly natsUrl: string;
  /** Absent when NATS was not probed (forced `http` and no NATS service selected). */
  readonly probe?: NatsProbeResult;
  /** Selected services whose manifest says `"transport": "nats"`. */
  readonly natsServices: readonly string[];
}

/**
 * `auto` follows the probe; `http`/`nats` are forced and say so. NATS being required but unreachable
 * (forced `nats`, or a NATS service selected) throws `MESHWAY_DEV_NATS_UNREACHABLE` before anything starts.
 */
export function decideTransport(facts: TransportFacts): TransportDecision {
  const { mode, natsUrl, probe } = facts;
  if (probe && !probe.reachable) requireNatsIfNeeded(facts, probe.reason);
  if (mode === 'http') return { transport: 'http', line: 'Transport: HTTP (forced by MESHWAY_TRANSPORT=http)' };
  if (!probe) throw new Error('decideTransport: a NATS probe result is needed unless MESHWAY_TRANSPORT=http');
  if (!probe.reachable) return { transport: 'http', line: `Transport: HTTP (NATS not reachable at ${natsUrl}: ${probe.reason})` };
  const forced = mode === 'nats' ? ' (forced by MESHWAY_TRANSPORT=nats)' : '';
  return { transport: 'nats', line: `Transport: NATS at ${probe.url}${forced}` };
}

/** Whether the NATS probe is needed at all. */
export function needsNatsProbe(mode: TransportMode, natsServices: readonly string[]): boolean {
  return mode !== 'http' || natsServices.length > 0;
}

function requireNatsIfNeeded(facts: TransportFacts, reason: string): void {
  const why =
    facts.mode === 'nats'
      ? 'MESHWAY_TRANSPORT=nats'
      : facts.natsServices.length > 0
        ? `service${facts.natsServices.length > 1 ? 's' : ''} ${facts.natsServices.join(', ')} use${facts.natsServices.length > 1 ? '' : 's'} transport "nats"`
        : undefined;
  if (why === undefined) return;
  throw new DevError(
    DevErrorCode.NatsUnreachable,
    `NATS is not reachable at ${facts.natsUrl} (${reason}), but ${why}. Start nats-server (with -js), set NATS_URL, or leave NATS services out with --only.`,
  );
}
