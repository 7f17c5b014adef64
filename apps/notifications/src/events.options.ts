import type { ServiceConfig } from '@meshway/config';
import { DEAD_LETTERS_STREAM, ORDER_EVENTS_STREAM } from '@meshway/contracts';
import type { EventsModuleOptions } from '@meshway/events/nest';
import type { TransportDecision } from '@meshway/service';

/**
 * `EventsModule` options for this run: JetStream on the NATS servers the service serves on. It ensures the order stream
 * itself (with orders' own spec, from `@meshway/contracts`), so it can start before orders, and the dead-letter stream,
 * so an order it gives up on is kept. Off — one warning at boot, no crash — when the service serves HTTP
 * (`MESHWAY_TRANSPORT=http`, or `auto` without NATS) or the server has no JetStream (`nats-server` without `-js`).
 */
export function eventsOptions(config: ServiceConfig, transport: TransportDecision): EventsModuleOptions {
  return {
    nats: transport.served === 'nats' ? { servers: config.NATS_URL } : undefined,
    disabledReason: `notifications serves HTTP (${transport.reason})`,
    jetStream: 'optional',
    streams: [ORDER_EVENTS_STREAM, DEAD_LETTERS_STREAM],
  };
}
