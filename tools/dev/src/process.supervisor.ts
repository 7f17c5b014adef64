import type { Clock } from '@meshway/clock';
import { groupAlive, pollUntil, signalGroup, spawnChild, type ManagedChild } from '@meshway/process';
import type { LogPrefixer } from './log.prefixer.js';

/** How to run one process. */
export interface ChildSpec {
  /** Instance name used in log prefixes and messages, e.g. `users#2`. */
  readonly name: string;
  /** Start stage (0 registry, 1 services, 2 gateway); stopping goes from the highest stage down. */
  readonly stage: number;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Lines of a child kept for messages (`ChildExit.lastLines`). */
export const LAST_LINES = 20;

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
  /** Every child whose group may still hold a process, with how it was started. */
  private readonly children = new Map<ManagedChild, ChildSpec>();
  private readonly prefixes = new Map<string, string>();
  private stopping: Promise<StopReport> | undefined;

  constructor(private readonly options: SupervisorOptions) {}

  /** Spawns `spec` in a new process group, its output prefixed with its name. Throws once stopping began. */
  spawn(spec: ChildSpec): ManagedChild {
    if (this.stopping) throw new Error(`not starting ${spec.name}: the platform is stopping`);
    const { prefixer } = this.options;
    // A restarted instance keeps its prefix (and colour).
    const prefix = this.prefixes.get(spec.name) ?? prefixer.prefixFor(spec.name);
    this.prefixes.set(spec.name, prefix);
    const child = spawnChild({
      name: spec.name,
      command: spec.command,
      args: spec.args,
      cwd: spec.cwd,
      env: spec.env,
      keepLines: LAST_LINES,
      tailLines: LAST_LINES,
      clock: this.options.clock,
      onLines: (lines) => {
        prefixer.writeLines(prefix, lines);
      },
    });
    this.children.set(child, spec);
    return child;
  }

  /** Starts `dead`'s spec again (same command, env and port) and forgets `dead` once nothing of its group runs. */
  respawn(dead: ManagedChild): ManagedChild {
    const spec = this.children.get(dead);
    if (!spec) throw new Error(`${dead.name} is not supervised here`);
    if (!this.alive(dead)) this.children.delete(dead);
    return this.spawn(spec);
  }

  /** Supervised children, oldest first (a restarted instance's dead predecessor only while its group lives). */
  get all(): readonly ManagedChild[] {
    return [...this.children.keys()];
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** Stops everything once; later calls return the same promise. */
  stopAll(): Promise<StopReport> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  /** SIGKILL to every group that still runs, at once, synchronously (second Ctrl-C, or our own process exiting). */
  killAllNow(): void {
    // Only live groups: the pid of a group that ended may already belong to someone else.
    for (const child of this.children.keys()) if (this.alive(child) && child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
  }

  private async stop(): Promise<StopReport> {
    const { clock, graceMs, killWaitMs } = this.options;
    const deadline = clock.monotonic() + graceMs;
    const entries = [...this.children];
    const stages = [...new Set(entries.map(([, spec]) => spec.stage))].sort((a, b) => b - a);
    // Gateway first, then services (they deregister while the registry still runs), then the registry.
    for (const stage of stages) {
      const members = entries.filter(([, spec]) => spec.stage === stage).map(([child]) => child);
      for (const child of members) if (this.alive(child) && child.pid !== undefined) signalGroup(child.pid, 'SIGTERM');
      await this.waitGone(members, deadline - clock.monotonic());
    }
    const stubborn = this.all.filter((c) => this.alive(c));
    for (const child of stubborn) if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    await this.waitGone(stubborn, killWaitMs);
    return { killed: stubborn.map((c) => c.name), survivors: this.all.filter((c) => this.alive(c)).map((c) => c.name) };
  }

  /** Running, or its leader gone while a grandchild of its group still runs. */
  private alive(child: ManagedChild): boolean {
    if (child.pid === undefined) return false;
    return !child.hasExited || groupAlive(child.pid);
  }

  private async waitGone(children: readonly ManagedChild[], timeoutMs: number): Promise<void> {
    const { clock, pollMs } = this.options;
    await pollUntil(() => !children.some((c) => this.alive(c)), { clock, timeoutMs: Math.max(0, timeoutMs), intervalMs: pollMs });
  }
}
