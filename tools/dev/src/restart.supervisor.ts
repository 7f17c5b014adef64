import type { Clock } from '@meshway/clock';
import { errorMessage } from '@meshway/errors';
import { describeExit, type ChildExit } from '@meshway/process';
import { RestartPolicy, type RestartPolicyOptions } from './restart.policy.js';

/** What the restart supervisor needs of a running instance. */
export interface Restartable {
  readonly name: string;
  readonly exited: Promise<ChildExit>;
  readonly hasExited: boolean;
}

export interface RestartSupervisorOptions<C extends Restartable> {
  readonly clock: Clock;
  readonly policy: RestartPolicyOptions;
  /** Starts a dead instance again: same command, same env, same port. */
  readonly respawn: (dead: C) => C;
  /** Resolves the ms it took to answer health; rejects if it exits first, misses its timeout, or `signal` aborts. */
  readonly waitHealthy: (child: C, signal: AbortSignal) => Promise<number>;
  /** Ends what is left of an instance's process group (a dead leader's grandchildren, or an instance that never turned healthy). */
  readonly kill: (child: C) => Promise<void>;
  /** One progress line (`users#2 restarted (attempt 2) and healthy in 812 ms`). */
  readonly log: (line: string) => void;
}

/**
 * Keeps instances running once the platform is ready: an instance that exits is logged and restarted
 * after the policy's backoff, then awaited healthy; the others are not touched. Too many exits of one
 * instance in the window resolve `gaveUp` with its last exit (the caller stops everything).
 */
export class RestartSupervisor<C extends Restartable> {
  readonly gaveUp: Promise<ChildExit>;
  private readonly stopping = new AbortController();
  private readonly current = new Map<string, C>();
  private giveUp: (exit: ChildExit) => void = () => undefined;

  constructor(private readonly options: RestartSupervisorOptions<C>) {
    this.gaveUp = new Promise((resolve) => (this.giveUp = resolve));
  }

  /** Watches `child`, healthy now, and restarts it whenever it exits. */
  keep(child: C): void {
    this.current.set(child.name, child);
    void this.watch(child);
  }

  /** The running (or restarting) instance of that name. */
  instance(name: string): C | undefined {
    return this.current.get(name);
  }

  /** No more restarts: a backoff wait or a health wait in progress ends at once. Exits from now on are the stop's. */
  stop(): void {
    this.stopping.abort(new Error('the platform is stopping'));
  }

  private isStopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async watch(first: C): Promise<void> {
    const { clock, log } = this.options;
    const policy = new RestartPolicy(this.options.policy, clock.monotonic());
    let child = first;
    for (;;) {
      const exit = await child.exited;
      if (this.isStopped()) return;
      const verdict = policy.crashed(clock.monotonic());
      if (!verdict.restart) {
        log(`${child.name} ${describeExit(exit)}: ${verdict.crashes} exits within ${this.options.policy.crashWindowMs / 1_000} s, giving up`);
        this.giveUp(exit);
        return;
      }
      log(`${child.name} ${describeExit(exit)}: restarting in ${verdict.delayMs} ms (attempt ${verdict.attempt})`);
      const next = await this.restart(child, verdict.delayMs);
      if (next === undefined) return;
      child = next;
      try {
        const ms = await this.options.waitHealthy(child, this.stopping.signal);
        policy.healthy(clock.monotonic());
        log(`${child.name} restarted (attempt ${verdict.attempt}) and healthy in ${Math.round(ms)} ms`);
      } catch (error) {
        if (this.isStopped()) return;
        // Exited before healthy: its exit is the next crash. Never healthy in time: end it, and that exit is.
        if (!child.hasExited) {
          log(`${child.name}: ${errorMessage(error)} Stopping it.`);
          await this.options.kill(child);
        }
      }
    }
  }

  /** Clears the dead instance's group while the backoff runs, then starts it again; undefined when stopping. */
  private async restart(dead: C, delayMs: number): Promise<C | undefined> {
    const cleared = this.options.kill(dead).catch((error: unknown) => {
      this.options.log(`${dead.name}: could not end what was left of it: ${errorMessage(error)}`);
    });
    try {
      await Promise.all([cleared, this.options.clock.sleep(delayMs, this.stopping.signal)]);
    } catch {
      return undefined; // stopped during the backoff
    }
    if (this.isStopped()) return undefined;
    const child = this.options.respawn(dead);
    this.current.set(child.name, child);
    return child;
  }
}
