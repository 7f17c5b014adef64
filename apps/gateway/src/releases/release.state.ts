import { murmur3 } from '@meshway/balancing';
import type { Clock } from '@meshway/clock';
import type { Exchange } from '../chain/exchange.js';
import { hashKeyOf, parseHashOn } from '../routing/hash-key.js';
import { judgeCanary, type GuardVerdict } from './canary.guard.js';
import { OutcomeWindow } from './outcome.window.js';
import type { Release } from './release.schema.js';

export type ReleaseArm = 'stable' | 'canary';

/** How often a canary success makes the guard re-read its windows (judging on every response would cost more than it tells). */
const JUDGE_EVERY_MS = 100;

/**
 * One service's live release: which side a request goes to (sticky), and — when the release has a guard — the outcome
 * windows of both sides and the rollback decision. Replaced whole when the release document changes.
 */
export class ReleaseState {
  private readonly windows: { readonly stable: OutcomeWindow; readonly canary: OutcomeWindow } | undefined;
  private readonly threshold: number;
  private lastJudged = Number.NEGATIVE_INFINITY;
  private trippedReason: string | undefined;

  constructor(
    readonly service: string,
    readonly release: Release,
    /** The KV entry's modify index, for a compare-and-set rollback. */
    readonly modifyIndex: bigint,
    private readonly clock: Clock,
    private readonly onTrip: (state: ReleaseState, reason: string) => void,
  ) {
    const guard = release.guard;
    this.windows = guard && release.state === 'active' ? { stable: new OutcomeWindow(guard.windowSec, clock), canary: new OutcomeWindow(guard.windowSec, clock) } : undefined;
    // Weight as parts per 10,000 of the hash space: 0.5 % is expressible.
    this.threshold = release.state === 'active' ? Math.round(release.weight * 100) : 0;
  }

  /** True once the guard rolled this release back (before the KV write is seen again). */
  get tripped(): boolean {
    return this.trippedReason !== undefined;
  }

  /** The side this request belongs to: the same caller always lands on the same side for a given weight. */
  armFor(ex: Exchange): ReleaseArm {
    if (this.threshold <= 0 || this.tripped) return 'stable';
    if (this.threshold >= 10_000) return 'canary';
    return murmur3(this.stickyKey(ex)) % 10_000 < this.threshold ? 'canary' : 'stable';
  }

  /** A finished request on one side; may trip the guard. */
  record(arm: ReleaseArm, status: number, latencyMs: number): void {
    if (!this.windows || this.tripped) return;
    const error = status >= 500;
    this.windows[arm].record(error, latencyMs);
    const now = this.clock.monotonic();
    // Every canary error is judged at once (it may be the one that trips); a success only now and then (latency rule).
    if (arm !== 'canary' || (!error && now - this.lastJudged < JUDGE_EVERY_MS)) return;
    this.lastJudged = now;
    const verdict = this.judge();
    if (verdict.rollback) {
      this.trippedReason = verdict.reason;
      this.onTrip(this, verdict.reason);
    }
  }

  judge(): GuardVerdict {
    if (!this.windows || !this.release.guard) return { rollback: false };
    return judgeCanary(this.release.guard, this.windows.canary.stats(), this.windows.stable.stats());
  }

  private stickyKey(ex: Exchange): string {
    const sticky = this.release.sticky;
    if (sticky === 'consumer') return ex.consumer ?? ex.clientIp;
    const hashOn = parseHashOn(sticky);
    return hashOn ? hashKeyOf(ex, hashOn) : ex.clientIp;
  }
}
