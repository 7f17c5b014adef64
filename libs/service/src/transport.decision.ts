import type { ServiceConfig } from '@meshway/config';
import { detectTransport } from '@meshway/transport';
import type { ServiceTransport } from './service.options.js';

/** Which transport this run of the service uses, decided once at boot (`SERVICE_TRANSPORT`). */
export interface TransportDecision {
  /** What the service declares (`ServiceOptions.transport`). */
  readonly declared: ServiceTransport;
  /** What it serves this run. A `nats` service serving `http` answers its `@MessagePattern` handlers over HTTP. */
  readonly served: ServiceTransport;
  /** Why, for the start line: `MESHWAY_TRANSPORT=http`, `MESHWAY_TRANSPORT=auto, NATS not reachable at …`. */
  readonly reason: string;
}

/** `detectTransport`'s reason is `HTTP (why)` or `NATS at … (why)`: the start line wants only the why. */
function insideParentheses(reason: string): string {
  return /^[^(]*\((.*)\)$/.exec(reason)?.[1] ?? reason;
}

/**
 * `MESHWAY_TRANSPORT` for a service: an `http` service is HTTP whatever it says. A `nats` service takes
 * `nats` (NATS required) and `http` as given, and for `auto` probes `NATS_URL` (`detectTransport`): NATS
 * when it answers, else HTTP.
 */
export async function decideTransport(declared: ServiceTransport, config: Pick<ServiceConfig, 'MESHWAY_TRANSPORT' | 'NATS_URL'>): Promise<TransportDecision> {
  if (declared === 'http') return { declared, served: 'http', reason: 'an HTTP service' };
  const mode = config.MESHWAY_TRANSPORT;
  const choice = await detectTransport({ mode, natsServers: config.NATS_URL });
  const why = insideParentheses(choice.reason);
  return { declared, served: choice.transport, reason: mode === 'auto' ? `MESHWAY_TRANSPORT=auto, ${why}` : why };
}
