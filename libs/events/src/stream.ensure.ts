import { StorageType, type JetStreamManager, type StreamConfig, type StreamInfo } from '@nats-io/jetstream';
import type { Clock, Random } from '@meshway/clock';
import type { EnsureStreamResult } from './events.js';
import type { EventsLogger } from './events.logger.js';
import { EVENTS_DEFAULTS } from './events.options.js';
import { apiFailure, isApiError } from './nats-error.mapper.js';
import type { ResolvedStreamSpec } from './stream.options.js';
import { subjectMatches } from './subject.match.js';

const NS_PER_MS = 1_000_000;
/** JetStream API codes met when instances race. */
const STREAM_NOT_FOUND = 10059;
const NAME_IN_USE = 10058;

async function liveStream(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (isApiError(error, STREAM_NOT_FOUND)) return undefined;
    throw apiFailure(`read stream ${name}`, error);
  }
}

function createConfig(spec: ResolvedStreamSpec): Partial<StreamConfig> & { name: string } {
  return {
    name: spec.name,
    subjects: [...spec.subjects],
    storage: spec.storage === 'memory' ? StorageType.Memory : StorageType.File,
    num_replicas: spec.replicas,
    max_age: spec.create.maxAgeMs * NS_PER_MS,
    duplicate_window: spec.create.duplicateWindowMs * NS_PER_MS,
  };
}

/** A stream's subjects (absent on the wire for mirrors, whatever the type says). */
export function subjectsOf(config: { readonly subjects?: string[] }): string[] {
  return config.subjects ?? [];
}

/** The config that makes the live stream cover `spec`, or undefined when it already does. Subjects are only added. */
function reconcile(live: StreamConfig, spec: ResolvedStreamSpec): StreamConfig | undefined {
  const subjects = subjectsOf(live);
  const missing = spec.subjects.filter((wanted) => !subjects.some((have) => subjectMatches(have, wanted)));
  const maxAge = spec.given.maxAgeMs === undefined ? live.max_age : spec.given.maxAgeMs * NS_PER_MS;
  let window = spec.given.duplicateWindowMs === undefined ? live.duplicate_window : spec.given.duplicateWindowMs * NS_PER_MS;
  // The server refuses a window longer than maxAge: a shorter maxAge given alone takes the window down with it.
  if (spec.given.duplicateWindowMs === undefined && maxAge > 0 && window > maxAge) window = maxAge;
  if (missing.length === 0 && maxAge === live.max_age && window === live.duplicate_window) return undefined;
  return { ...live, subjects: [...subjects, ...missing], max_age: maxAge, duplicate_window: window };
}

/**
 * Creates the stream, or brings a live one up to `spec`: adds missing subjects (never removes one — other services may
 * publish on them) and applies the limits that were given. Instances racing at start converge: an add that loses the race
 * (same name, other config) and an update that another overwrote are retried on a fresh read.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  spec: ResolvedStreamSpec,
  { logger, clock, random }: { readonly logger: EventsLogger; readonly clock: Clock; readonly random: Random },
): Promise<EnsureStreamResult> {
  const { ensureRounds, ensureJitterMs } = EVENTS_DEFAULTS;
  let updated = false;
  for (let round = 1; round <= ensureRounds; round++) {
    // Racers that all read, then all write, lose each other's subjects; a random pause spreads them out.
    if (round > 1) await clock.sleep(Math.floor(random() * ensureJitterMs * round));
    const live = await liveStream(jsm, spec.name);
    if (!live) {
      try {
        const info = await jsm.streams.add(createConfig(spec));
        logger.info({ stream: spec.name, subjects: info.config.subjects }, `events: stream ${spec.name} created`);
        return { name: spec.name, action: 'created', subjects: subjectsOf(info.config) };
      } catch (error) {
        if (isApiError(error, NAME_IN_USE)) continue;
        throw apiFailure(`create stream ${spec.name}`, error);
      }
    }
    const next = reconcile(live.config, spec);
    if (!next) return { name: spec.name, action: updated ? 'updated' : 'unchanged', subjects: subjectsOf(live.config) };
    try {
      await jsm.streams.update(spec.name, next);
    } catch (error) {
      throw apiFailure(`update stream ${spec.name}`, error);
    }
    updated = true;
    logger.info({ stream: spec.name, subjects: next.subjects }, `events: stream ${spec.name} updated`);
  }
  throw apiFailure(`ensure stream ${spec.name}`, new Error(`it kept changing under us for ${ensureRounds} rounds`));
}
