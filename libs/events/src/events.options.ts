import { mathRandom, systemClock, type Clock, type Random } from '@meshway/clock';
import { invalidOptionMessage } from '@meshway/errors';
import type { NatsConnection } from '@nats-io/transport-node';
import { EventsError, EventsErrorCode } from './events.errors.js';
import { silentLogger, type EventsLogger } from './events.logger.js';

/** Where NATS comes from: servers to connect to (events own and close that connection), or a connection you own. */
export type NatsSource = { readonly servers: readonly string[] } | NatsConnection;

/** What to do when the NATS server has no JetStream: fail (`MESHWAY_EVENTS_JETSTREAM_DISABLED`) or turn events off. */
export type JetStreamRequirement = 'required' | 'optional';

/** Options of `createEvents`. All optional: without `nats`, events are off. */
export interface EventsOptions {
  /** NATS servers or connection; `undefined` (e.g. `MESHWAY_TRANSPORT=http`) turns events off with one log line. */
  readonly nats?: NatsSource;
  /** Why there is no NATS, for that one line (e.g. the service's transport decision). */
  readonly disabledReason?: string;
  /** Without JetStream on the server: `required` (default) fails, `optional` turns events off with one warning. */
  readonly jetStream?: JetStreamRequirement;
  /** Publish ack and JetStream API timeout in ms (default 5,000). */
  readonly timeoutMs?: number;
  /** Where events log (pino's `(obj, msg)` order); quiet by default. */
  readonly logger?: EventsLogger;
  /** Time source for redelivery heartbeats and pauses (default the system clock). */
  readonly clock?: Clock;
  /** Randomness for the jitter between `ensureStream` rounds when instances race (default `Math.random`). */
  readonly random?: Random;
  /** NATS connection name when events connect themselves (default `meshway-events`). */
  readonly connectionName?: string;
}

export interface ResolvedEventsOptions {
  readonly nats: NatsSource | undefined;
  readonly disabledReason: string;
  readonly jetStream: JetStreamRequirement;
  readonly timeoutMs: number;
  readonly logger: EventsLogger;
  readonly clock: Clock;
  readonly random: Random;
  readonly connectionName: string;
}

/** Every default of `@meshway/events`, in one place. */
export const EVENTS_DEFAULTS = {
  timeoutMs: 5_000,
  jetStream: 'required',
  connectionName: 'meshway-events',
  disabledReason: 'no NATS configured',
  /** Racing `ensureStream` calls re-read up to this many times, pausing a random 0–jitter × round ms between reads. */
  ensureRounds: 10,
  ensureJitterMs: 50,
  stream: {
    /** Events older than this are dropped (7 days); 0 keeps them forever. */
    maxAgeMs: 7 * 24 * 3_600_000,
    /** The server's own default: a msgId is remembered for 2 minutes. */
    duplicateWindowMs: 120_000,
    storage: 'file',
    replicas: 1,
  },
  subscribe: {
    maxDeliver: 5,
    ackWaitMs: 30_000,
    /** Pause before redelivery after the 1st, 2nd, … failure; the last value repeats. */
    backoffMs: [1_000, 5_000, 15_000, 30_000],
    deliverPolicy: 'all',
    batch: 10,
    seenCapacity: 10_000,
    /** Dead letters go to `<prefix>.<stream>.<durable>` unless `deadLetterSubject` says otherwise. */
    deadLetterPrefix: 'meshway.dead-letter',
  },
} as const;

/** An `EventsError` naming the option, the value and what is allowed. */
export function invalidOption(what: string, option: string, given: unknown, allowed: string): EventsError {
  return new EventsError(EventsErrorCode.InvalidOptions, invalidOptionMessage(what, option, given, allowed));
}

/** `given` when it is one of `allowed`, else the error naming it. */
export function oneOf<T extends string>(what: string, option: string, given: unknown, allowed: readonly T[]): T {
  if (!(allowed as readonly unknown[]).includes(given)) throw invalidOption(what, option, given, allowed.map((a) => JSON.stringify(a)).join(' or '));
  return given as T;
}

/** A positive integer of milliseconds (or count), or the error naming it. */
export function positiveInteger(what: string, option: string, given: unknown, { zero = false } = {}): number {
  const ok = typeof given === 'number' && Number.isSafeInteger(given) && (zero ? given >= 0 : given > 0);
  if (!ok) throw invalidOption(what, option, given, zero ? 'an integer ≥ 0' : 'a positive integer');
  return given;
}

function badNats(given: unknown): EventsError {
  return invalidOption('events option', 'nats', given, '{ servers: ["nats://host:4222", …] } (non-empty), a NatsConnection, or undefined (events off)');
}

function resolveNats(nats: unknown): NatsSource | undefined {
  if (nats === undefined) return undefined;
  if (typeof nats !== 'object' || nats === null) throw badNats(nats);
  if ('request' in nats && typeof nats.request === 'function') return nats as NatsConnection;
  const servers = 'servers' in nats ? nats.servers : undefined;
  if (!Array.isArray(servers) || servers.length === 0 || !servers.every((s) => typeof s === 'string' && s !== '')) throw badNats(nats);
  return { servers: servers.map(String) };
}

/** Fills defaults and validates; throws MESHWAY_EVENTS_INVALID_OPTIONS naming the option, the value and what is allowed. */
export function resolveEventsOptions(options: EventsOptions = {}): ResolvedEventsOptions {
  const what = 'events option';
  const jetStream = oneOf(what, 'jetStream', options.jetStream ?? EVENTS_DEFAULTS.jetStream, ['required', 'optional']);
  const clock = options.clock ?? systemClock;
  if (typeof clock.setTimeout !== 'function') throw invalidOption(what, 'clock', clock, 'a Clock from @meshway/clock');
  const random = options.random ?? mathRandom;
  if (typeof random !== 'function') throw invalidOption(what, 'random', random, 'a function returning a number in [0, 1)');
  return {
    nats: resolveNats(options.nats),
    disabledReason: options.disabledReason ?? EVENTS_DEFAULTS.disabledReason,
    jetStream,
    timeoutMs: positiveInteger(what, 'timeoutMs', options.timeoutMs ?? EVENTS_DEFAULTS.timeoutMs),
    logger: options.logger ?? silentLogger,
    clock,
    random,
    connectionName: options.connectionName ?? EVENTS_DEFAULTS.connectionName,
  };
}
