import type { Clock } from '@meshway/clock';
import type { FailureKind } from './outcome.js';
import type { RetryPolicy } from './retry.policy.js';
import type { UpstreamGuards } from './upstream.guards.js';

/** How a failed attempt looked, as the caller classifies its own errors. */
export interface AttemptFailureInfo {
  readonly kind: FailureKind;
  readonly status?: number;
  readonly retryAfterMs?: number;
}

export interface RunAttemptsOptions<I extends { readonly id: string }, R> {
  readonly guards: UpstreamGuards;
  /** Undefined: one attempt only. */
  readonly retry: RetryPolicy | undefined;
  readonly clock: Clock;
  readonly method: string;
  /** The instances now (re-read before each attempt: discovery may have changed). */
  readonly instances: () => readonly I[];
  /** Picks one of `candidates`; throws the caller's own "no instance" error when there is none. */
  readonly pick: (candidates: readonly I[]) => I;
  /** One attempt on one instance. */
  readonly attempt: (instance: I, attempt: number) => Promise<R>;
  /** What the caller makes of an error: a failure of the instance (kind …), or undefined — not the instance's fault, never retried. */
  readonly classify: (error: unknown) => AttemptFailureInfo | undefined;
  /** Milliseconds left until the caller's deadline. */
  readonly remainingMs: () => number;
  /** Aborts a backoff wait (the caller gave up). */
  readonly signal?: AbortSignal;
}

/**
 * The async composition MeshClient uses, from the same pieces as the gateway's retry step: each attempt goes to an
 * instance that is neither ejected nor behind an open breaker (another one than last time when there is a choice), its
 * outcome is reported to the breakers and outlier detection, and a failure is tried again only when the policy says
 * so, the retry budget has room and the backoff fits in the deadline (the wait runs on the injected clock).
 */
export async function runAttempts<I extends { readonly id: string }, R>(options: RunAttemptsOptions<I, R>): Promise<R> {
  const { guards, retry, clock } = options;
  guards.budget?.recordRequest();
  let previous: I | undefined;
  for (let attempt = 1; ; attempt++) {
    const all = options.instances();
    const available = guards.available(all);
    const candidates = previous !== undefined && available.length > 1 ? available.filter((i) => i !== previous) : available;
    const instance = options.pick(candidates);
    previous = instance;
    guards.tryAcquire(instance.id);
    try {
      const result = await options.attempt(instance, attempt);
      guards.report(instance.id, { ok: true }, all.length);
      return result;
    } catch (error) {
      const failure = options.classify(error);
      if (failure === undefined) {
        guards.report(instance.id, { ok: true }, all.length);
        throw error;
      }
      guards.report(instance.id, { ok: false, kind: failure.kind, ...(failure.status === undefined ? {} : { status: failure.status }) }, all.length);
      const decision = retry?.decide({ attempts: attempt, method: options.method, ...failure, remainingMs: options.remainingMs(), resendable: true });
      // A refused connection is not worth trying on the same instance (as the gateway's retry step): only elsewhere.
      const elsewhere = failure.kind !== 'connect' || guards.available(options.instances()).some((i) => i.id !== instance.id);
      if (!decision?.retry || !elsewhere || !(guards.budget?.tryWithdraw() ?? true)) throw error;
      if (decision.delayMs > 0) await clock.sleep(decision.delayMs, options.signal);
    }
  }
}
