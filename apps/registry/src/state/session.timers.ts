import type { Clock, TimerHandle } from '@meshway/clock';
import { parseGoDuration } from '../model/go-duration.js';
import type { SessionRecord } from '../model/records.js';
import type { RegistryLogger } from '../registry.logger.js';
import type { RegistryState } from './registry.state.js';
import { destroySession } from './session.ops.js';
import type { RecordChange } from './record-change.js';

/** Consul invalidates a TTL session only after twice its TTL without a renewal. */
const TTL_MULTIPLIER = 2;

/**
 * Expires TTL sessions. Timers live in memory: after a restart every session gets a full TTL again,
 * as Consul does after a leader change.
 */
export class SessionTimers {
  private readonly timers = new Map<string, TimerHandle>();

  constructor(
    private readonly state: RegistryState,
    private readonly clock: Clock,
    private readonly logger: RegistryLogger,
  ) {}

  start(): void {
    for (const session of this.state.tables.sessions.values()) this.renew(session);
    this.state.onChange((changes) => {
      this.onChanges(changes);
    });
  }

  /** Restarts the session's TTL countdown. */
  renew(session: SessionRecord): void {
    this.cancel(session.ID);
    const ttlMs = session.TTL === '' ? undefined : parseGoDuration(session.TTL);
    if (ttlMs === undefined || ttlMs <= 0) return;
    this.timers.set(
      session.ID,
      this.clock.setTimeout(() => {
        this.expire(session.ID);
      }, ttlMs * TTL_MULTIPLIER),
    );
  }

  stop(): void {
    for (const id of [...this.timers.keys()]) this.cancel(id);
  }

  private onChanges(changes: readonly RecordChange[]): void {
    for (const change of changes) {
      if (change.kind !== 'session') continue;
      if (change.after && !change.before) this.renew(change.after);
      if (!change.after && change.before) this.cancel(change.before.ID);
    }
  }

  private expire(id: string): void {
    this.timers.delete(id);
    if (!this.state.tables.sessions.has(id)) return;
    this.logger.info({ session: id }, 'session TTL expired; invalidating it');
    this.state
      .write((tx) => {
        destroySession(tx, id, this.clock.now());
      })
      .durable.catch(() => undefined);
  }

  private cancel(id: string): void {
    const timer = this.timers.get(id);
    if (timer === undefined) return;
    this.clock.clearTimeout(timer);
    this.timers.delete(id);
  }
}
