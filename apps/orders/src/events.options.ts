import type { ServiceConfig } from '@meshway/config';
import { ORDER_EVENTS_STREAM } from '@meshway/contracts';
import type { EventsModuleOptions } from '@meshway/events/nest';
import type { TransportDecision } from '@meshway/service';

/**
 * `EventsModule` options for this run: JetStream on the NATS servers orders serves on, with ORDER_EVENTS ensured at
 * boot (the spec notifications ensures too, from `@meshway/contracts`). Off — one warning at boot, no crash — when
 * orders serves HTTP or the server has no JetStream (`jetStream: 'optional'`): taking orders matters more than their
 * events, as with a failed publish (logged; the order is stored either way).
 */
export function eventsOptions(config: ServiceConfig, transport: TransportDecision): EventsModuleOptions {
  return {
    nats: transport.served === 'nats' ? { servers: config.NATS_URL } : undefined,
    disabledReason: `orders serves HTTP (${transport.reason})`,
    jetStream: 'optional',
    streams: [ORDER_EVENTS_STREAM],
  };
}
