import type { ServiceConfig } from '@meshway/config';
import type { EventsModuleOptions } from '@meshway/events/nest';
import type { TransportDecision } from '@meshway/service';
import { NOTIFICATIONS_EVENTS_STREAM } from './events.streams.js';

/**
 * `EventsModule` options for this run: JetStream on the NATS servers the service serves on, the stream ensured at boot.
 * Off — one warning at boot, no crash — when the service serves HTTP (`MESHWAY_TRANSPORT=http`, or `auto` without NATS)
 * or when the server has no JetStream (`nats-server` without `-js`): events are a side channel, never a reason to stop
 * serving requests.
 */
export function eventsOptions(config: ServiceConfig, transport: TransportDecision): EventsModuleOptions {
  return {
    nats: transport.served === 'nats' ? { servers: config.NATS_URL } : undefined,
    disabledReason: `notifications serves HTTP (${transport.reason})`,
    jetStream: 'optional',
    streams: [NOTIFICATIONS_EVENTS_STREAM],
  };
}
