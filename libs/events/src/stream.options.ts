import { EVENTS_DEFAULTS, invalidOption, oneOf, positiveInteger } from './events.options.js';
import { isValidSubject, NAME_PATTERN } from './subject.match.js';

/** A stream to ensure. Limits left out keep the live stream's values (and take the defaults on creation). */
export interface StreamSpec {
  /** Stream name, e.g. `ORDERS` (letters, digits, `_`, `-`). */
  readonly name: string;
  /** Subjects it captures, e.g. `['orders.>']`; subjects missing from a live stream are added, none removed. */
  readonly subjects: readonly string[];
  /** Events older than this are dropped, in ms (default 7 days; 0 = kept forever). */
  readonly maxAgeMs?: number;
  /** How long a `msgId` is remembered for de-duplication, in ms (default 120,000; at most `maxAgeMs`). */
  readonly duplicateWindowMs?: number;
  /** Where the server keeps events, on creation only (default `file`). */
  readonly storage?: 'file' | 'memory';
  /** Copies in a cluster, on creation only (default 1). */
  readonly replicas?: number;
}

/** The limits to apply to a live stream: only those given. */
export interface StreamLimits {
  readonly maxAgeMs?: number;
  readonly duplicateWindowMs?: number;
}

export interface ResolvedStreamSpec {
  readonly name: string;
  readonly subjects: readonly string[];
  readonly storage: 'file' | 'memory';
  readonly replicas: number;
  /** Given limits, reconciled on a live stream. */
  readonly given: StreamLimits;
  /** Limits on creation: the given ones over the defaults. */
  readonly create: Required<StreamLimits>;
}

/** Validates a stream spec; throws MESHWAY_EVENTS_INVALID_OPTIONS naming the field. */
export function resolveStreamSpec(spec: StreamSpec): ResolvedStreamSpec {
  const what = 'stream option';
  if (typeof spec.name !== 'string' || !NAME_PATTERN.test(spec.name)) throw invalidOption(what, 'name', spec.name, 'letters, digits, "_" and "-" (1–128)');
  const subjects: unknown = spec.subjects;
  if (!Array.isArray(subjects) || subjects.length === 0 || !subjects.every((s) => isValidSubject(s, { wildcards: true }))) {
    throw invalidOption(what, 'subjects', subjects, 'a non-empty list of NATS subjects such as "orders.>"');
  }
  const storage = oneOf(what, 'storage', spec.storage ?? EVENTS_DEFAULTS.stream.storage, ['file', 'memory']);
  const replicas = positiveInteger(what, 'replicas', spec.replicas ?? EVENTS_DEFAULTS.stream.replicas);
  const given: { maxAgeMs?: number; duplicateWindowMs?: number } = {};
  if (spec.maxAgeMs !== undefined) given.maxAgeMs = positiveInteger(what, 'maxAgeMs', spec.maxAgeMs, { zero: true });
  if (spec.duplicateWindowMs !== undefined) given.duplicateWindowMs = positiveInteger(what, 'duplicateWindowMs', spec.duplicateWindowMs);
  const maxAgeMs = given.maxAgeMs ?? EVENTS_DEFAULTS.stream.maxAgeMs;
  // As the server does: the default window shrinks to a shorter maxAge.
  const window = maxAgeMs > 0 ? Math.min(EVENTS_DEFAULTS.stream.duplicateWindowMs, maxAgeMs) : EVENTS_DEFAULTS.stream.duplicateWindowMs;
  const create = { maxAgeMs, duplicateWindowMs: given.duplicateWindowMs ?? window };
  if (create.maxAgeMs > 0 && create.duplicateWindowMs > create.maxAgeMs) {
    throw invalidOption(what, 'duplicateWindowMs', create.duplicateWindowMs, `at most maxAgeMs (${create.maxAgeMs})`);
  }
  return { name: spec.name, subjects: [...new Set(subjects)], storage, replicas, given, create };
}
