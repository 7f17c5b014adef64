import type { Clock } from '@meshway/clock';
import { ManagedChild, type ChildSpec } from './managed.child.js';
import type { LogPrefixer } from './log.prefixer.js';
import { groupAlive, signalGroup } from './process-group.js';

export interface SupervisorOptions {
  readonly prefixer: LogPrefixer;
  readonly clock: Clock;
  /** SIGTERM → SIGKILL grace for the whole stop, in ms. */
  readonly graceMs: number;
  /** How long to wait for SIGKILLed groups to vanish, in ms. */
  readonly killWaitMs: number;
  /** How often to check whether groups are gone, in ms. */
  readonly pollMs: number;
}

/** What `stopAll()` had to do. */
export interface StopReport {
  /** Instances whose process group was still alive after the grace period and got SIGKILL. */
  readonly killed: readonly string[];
  /** Instances whose group survived even SIGKILL's wait (should never happen; reported, not hidden). */
  readonly survivors: readonly string[];
}

/** Starts processes in their own groups and stops them all: SIGTERM stage by stage (last started first), then SIGKILL. */
export class ProcessSupervisor {
  private readonly children: ManagedChild[] = [];
  private stopping: Promise<StopReport> | undefined;

  constructor(private readonly options: SupervisorOptions) {}

  spawn(spec: ChildSpec): ManagedChild {
    const child = new ManagedChild(spec, this.options.prefixer);
    this.children.push(child);
    return child;
  }

  get all(): readonly ManagedChild[] {
    return this.children;
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** Stops everything once; later calls return the same promise. */
  stopAll(): Promise<StopReport> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  /** SIGKILL to every group at once, synchronously (second Ctrl-C, or our own process exiting). */
  killAllNow(): void {
    for (const child of this.children) if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
  }

  private async stop(): Promise<StopReport> {
    const { clock, graceMs, killWaitMs } = this.options;
    const deadline = clock.monotonic() + graceMs;
    const stages = [...new Set(this.children.map((c) => c.spec.stage))].sort((a, b) => b - a);
    // Gateway first, then services (they deregister while the registry still runs), then the registry.
    for (const stage of stages) {
      const members = this.children.filter((c) => c.spec.stage === stage);
      for (const child of members) if (child.pid !== undefined) signalGroup(child.pid, 'SIGTERM');
      await this.waitGone(members, deadline);
    }
    const stubborn = this.children.filter((c) => this.alive(c));
    for (const child of stubborn) if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    await this.waitGone(stubborn, clock.monotonic() + killWaitMs);
    return { killed: stubborn.map((c) => c.name), survivors: this.children.filter((c) => this.alive(c)).map((c) => c.name) };
  }

  private alive(child: ManagedChild): boolean {
    if (child.pid === undefined) return false;
    return !child.hasExited || groupAlive(child.pid);
  }

  private async waitGone(children: readonly ManagedChild[], deadline: number): Promise<void> {
    const { clock, pollMs } = this.options;
    while (children.some((c) => this.alive(c)) && clock.monotonic() < deadline) {
      await clock.sleep(Math.min(pollMs, Math.max(1, deadline - clock.monotonic())));
    }
  }
}
