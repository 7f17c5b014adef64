import type { EventHandler } from './events.js';
import { EVENTS_DEFAULTS, invalidOption, oneOf, positiveInteger } from './events.options.js';
import { isValidSubject, NAME_PATTERN, subjectMatches } from './subject.match.js';

/** Options of `Events.subscribe`: a durable pull consumer on `stream` named `durable`. */
export interface SubscribeOptions<T = unknown> {
  /** The stream to read (it must exist: `ensureStream` first). */
  readonly stream: string;
  /** Durable consumer name: its position survives restarts; instances with the same durable share the events. */
  readonly durable: string;
  /** Only events on this subject (wildcards allowed), e.g. `orders.created`; default every subject of the stream. */
  readonly subject?: string;
  /** Called once per event (one at a time, in stream order); resolving acks, throwing asks for a redelivery. */
  readonly handler: EventHandler<T>;
  /** Turns the JSON payload into `T` (e.g. a zod `schema.parse`); an event it throws on is dead-lettered at once. */
  readonly parse?: (data: unknown) => T;
  /** Deliveries per event before it is dead-lettered (default 5; 1 = no retry). */
  readonly maxDeliver?: number;
  /** How long the server waits for an ack before redelivering an event whose handler died, in ms (default 30,000). */
  readonly ackWaitMs?: number;
  /** Pause before redelivery after the 1st, 2nd, … failure, in ms; the last repeats (default 1 s, 5 s, 15 s, 30 s). */
  readonly backoffMs?: readonly number[];
  /** Where events go after `maxDeliver` deliveries (default `meshway.dead-letter.<stream>.<durable>`). */
  readonly deadLetterSubject?: string;
  /** Where a new durable starts: every stored event (`all`, default) or only those published from now on (`new`). */
  readonly deliverPolicy?: 'all' | 'new';
  /** Events pulled ahead of the handler (default 10). */
  readonly batch?: number;
  /** Stream sequences remembered as handled, to ack (not re-handle) a redelivery whose ack was lost (default 10,000; 0 = off). */
  readonly seenCapacity?: number;
}

export interface ResolvedSubscribeOptions<T = unknown> {
  readonly stream: string;
  readonly durable: string;
  readonly subject: string | undefined;
  readonly handler: EventHandler<T>;
  readonly parse: ((data: unknown) => T) | undefined;
  readonly maxDeliver: number;
  readonly ackWaitMs: number;
  readonly backoffMs: readonly number[];
  readonly deadLetterSubject: string;
  readonly deliverPolicy: 'all' | 'new';
  readonly batch: number;
  readonly seenCapacity: number;
}

function resolveBackoff(given: unknown): readonly number[] {
  const ok = Array.isArray(given) && given.length > 0 && given.every((ms) => typeof ms === 'number' && Number.isSafeInteger(ms) && ms >= 0);
  if (!ok) throw invalidOption('subscribe option', 'backoffMs', given, 'a non-empty list of integers ≥ 0 (ms)');
  return [...(given as number[])];
}

/** Fills defaults and validates; throws MESHWAY_EVENTS_INVALID_OPTIONS naming the option, the value and what is allowed. */
export function resolveSubscribeOptions<T>(options: SubscribeOptions<T>): ResolvedSubscribeOptions<T> {
  const what = 'subscribe option';
  const d = EVENTS_DEFAULTS.subscribe;
  const { stream, durable, subject, handler, parse } = options;
  if (typeof stream !== 'string' || !NAME_PATTERN.test(stream)) throw invalidOption(what, 'stream', stream, 'a stream name (letters, digits, "_", "-")');
  if (typeof durable !== 'string' || !NAME_PATTERN.test(durable)) throw invalidOption(what, 'durable', durable, 'letters, digits, "_" and "-" (1–128)');
  if (subject !== undefined && !isValidSubject(subject, { wildcards: true })) {
    throw invalidOption(what, 'subject', subject, 'a NATS subject, wildcards allowed');
  }
  if (typeof handler !== 'function') throw invalidOption(what, 'handler', handler, 'a function (event) => void | Promise<void>');
  if (parse !== undefined && typeof parse !== 'function') throw invalidOption(what, 'parse', parse, 'a function (data) => T');
  const deadLetterSubject = options.deadLetterSubject ?? `${d.deadLetterPrefix}.${stream}.${durable}`;
  if (!isValidSubject(deadLetterSubject, { wildcards: false })) {
    throw invalidOption(what, 'deadLetterSubject', deadLetterSubject, 'a NATS subject without wildcards');
  }
  if (subject !== undefined && subjectMatches(subject, deadLetterSubject)) {
    throw invalidOption(what, 'deadLetterSubject', deadLetterSubject, `a subject outside the filter ${subject} (dead letters would come back)`);
  }
  const deliverPolicy = oneOf(what, 'deliverPolicy', options.deliverPolicy ?? d.deliverPolicy, ['all', 'new']);
  return {
    stream,
    durable,
    subject,
    handler,
    parse,
    maxDeliver: positiveInteger(what, 'maxDeliver', options.maxDeliver ?? d.maxDeliver),
    ackWaitMs: positiveInteger(what, 'ackWaitMs', options.ackWaitMs ?? d.ackWaitMs),
    backoffMs: resolveBackoff(options.backoffMs ?? d.backoffMs),
    deadLetterSubject,
    deliverPolicy,
    batch: positiveInteger(what, 'batch', options.batch ?? d.batch),
    seenCapacity: positiveInteger(what, 'seenCapacity', options.seenCapacity ?? d.seenCapacity, { zero: true }),
  };
}
