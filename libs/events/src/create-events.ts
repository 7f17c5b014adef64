import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { errorMessage } from '@meshway/errors';
import { DisabledEvents } from './disabled.events.js';
import { EventsError, EventsErrorCode } from './events.errors.js';
import type { Events } from './events.js';
import { resolveEventsOptions, type EventsOptions, type ResolvedEventsOptions } from './events.options.js';
import { JetStreamEvents } from './jetstream.events.js';
import { apiFailure, isApiError, isNoResponders, jetStreamDisabled } from './nats-error.mapper.js';

/** JetStream API code: JetStream is enabled on the server but not for this account. */
const NOT_ENABLED_FOR_ACCOUNT = 10039;

async function connectNats(options: ResolvedEventsOptions): Promise<{ nc: NatsConnection; owns: boolean; where: string }> {
  const { nats } = options;
  if (!nats) throw new Error('unreachable: events without NATS are disabled');
  if ('request' in nats) return { nc: nats, owns: false, where: nats.getServer() };
  const where = nats.servers.join(', ');
  try {
    const nc = await connect({ servers: [...nats.servers], name: options.connectionName, maxReconnectAttempts: -1 });
    return { nc, owns: true, where };
  } catch (error) {
    throw new EventsError(EventsErrorCode.NatsUnavailable, `Cannot connect to NATS at ${where}: ${errorMessage(error)}`, { cause: error });
  }
}

/**
 * Durable events: connects (or takes your connection), checks that the server has JetStream, and returns `Events`.
 * Without `nats` — a service on `MESHWAY_TRANSPORT=http` — returns events that are off, said in one warning.
 * Throws MESHWAY_EVENTS_NATS_UNAVAILABLE, MESHWAY_EVENTS_JETSTREAM_DISABLED (unless `jetStream: 'optional'`) or
 * MESHWAY_EVENTS_INVALID_OPTIONS.
 */
export async function createEvents(options: EventsOptions = {}): Promise<Events> {
  const resolved = resolveEventsOptions(options);
  if (!resolved.nats) return new DisabledEvents(resolved.disabledReason, resolved.logger);
  const { nc, owns, where } = await connectNats(resolved);
  try {
    const jsm = await jetstreamManager(nc, { timeout: resolved.timeoutMs });
    return new JetStreamEvents(nc, owns, jsm, jsm.jetstream(), resolved);
  } catch (error) {
    const disabled = isNoResponders(error) || isApiError(error, NOT_ENABLED_FOR_ACCOUNT);
    const failure = disabled ? jetStreamDisabled(where, error) : apiFailure(`check JetStream at ${where}`, error);
    if (owns) await nc.close();
    if (failure.code === EventsErrorCode.JetStreamDisabled && resolved.jetStream === 'optional') {
      return new DisabledEvents(`${failure.message} (${failure.code})`, resolved.logger);
    }
    throw failure;
  }
}
