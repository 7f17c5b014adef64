import type { Clock, TimerHandle } from '@meshway/clock';
import { deepEqual } from '../model/deep-equal.js';
import type { CheckRecord } from '../model/records.js';
import type { RegistryLogger } from '../registry.logger.js';
import { updateCheck } from '../state/catalog.ops.js';
import type { RegistryState } from '../state/registry.state.js';
import { nodeKey } from '../state/state.tables.js';
import type { RecordChange } from '../state/record-change.js';
import { CriticalReaper } from './critical.reaper.js';
import { probeHttp } from './http.probe.js';
import type { Probe, ProbeResult } from './probe.types.js';
import { probeTcp } from './tcp.probe.js';

export interface CheckSchedulerOptions {
  readonly clock: Clock;
  readonly logger: RegistryLogger;
  /** A result with an unchanged status writes its new output at most this often. */
  readonly checkUpdateIntervalMs: number;
  /** Intervals below this were raised to it at registration; exposed for the API. */
  readonly minIntervalMs: number;
  /** Replaceable for tests of the scheduling itself; default: real HTTP and TCP probes. */
  readonly probes?: { readonly http: Probe; readonly tcp: Probe };
}

/**
 * Runs checks: HTTP and TCP on their interval (first run right after registration), TTL expiry
 * (critical, "TTL expired"), and — through the reaper — DeregisterCriticalServiceAfter. Reacts to
 * check changes from any source; all timing goes through the injected clock.
 */
export class CheckScheduler {
  readonly minIntervalMs: number;
  private readonly runs = new Map<string, { timer: TimerHandle; abort: AbortController | undefined }>();
  private readonly ttlTimers = new Map<string, TimerHandle>();
  private readonly lastWrite = new Map<string, number>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly reaper: CriticalReaper;
  private readonly probes: { readonly http: Probe; readonly tcp: Probe };
  private stopped = false;

  constructor(
    private readonly state: RegistryState,
    private readonly options: CheckSchedulerOptions,
  ) {
    this.minIntervalMs = options.minIntervalMs;
    this.probes = options.probes ?? { http: probeHttp, tcp: probeTcp };
    this.reaper = new CriticalReaper(state, options.clock, options.logger);
  }

  start(): void {
    for (const check of this.state.tables.checks.values()) this.schedule(check);
    this.state.onChange((changes) => {
      this.onChanges(changes);
    });
  }

  /** A TTL check was updated through the API: restart its countdown. */
  heartbeat(check: CheckRecord): void {
    if (check.Type === 'ttl') this.armTtl(check);
  }

  /** Resolves when no probe is running (tests: advance the clock, then await this). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const key of new Set([...this.runs.keys(), ...this.ttlTimers.keys()])) this.cancel(key);
    this.reaper.stop();
    await this.idle();
  }

  private onChanges(changes: readonly RecordChange[]): void {
    for (const change of changes) {
      if (change.kind !== 'check') continue;
      const { before, after } = change;
      if (!after) {
        if (before) this.cancel(nodeKey(before.Node, before.CheckID));
        if (before) this.reaper.forget(before);
        continue;
      }
      if (!before || before.Type !== after.Type || !deepEqual(before.Definition, after.Definition)) this.schedule(after);
      this.reaper.track(after);
    }
  }

  private schedule(check: CheckRecord): void {
    const key = nodeKey(check.Node, check.CheckID);
    this.cancel(key);
    if (check.Type === 'ttl') this.armTtl(check);
    if (check.Type === 'http' || check.Type === 'tcp') this.runAfter(key, 0);
    this.reaper.track(check);
  }

  private armTtl(check: CheckRecord): void {
    const key = nodeKey(check.Node, check.CheckID);
    this.options.clock.clearTimeout(this.ttlTimers.get(key));
    const ttl = check.Definition.TtlMs ?? 0;
    this.ttlTimers.set(key, this.options.clock.setTimeout(() => {
      this.ttlTimers.delete(key);
      const current = this.state.tables.checks.get(key);
      if (current?.Type === 'ttl') this.report(current, { status: 'critical', output: 'TTL expired' });
    }, ttl));
  }

  private runAfter(key: string, delayMs: number): void {
    if (this.stopped) return;
    const timer = this.options.clock.setTimeout(() => {
      this.run(key);
    }, delayMs);
    this.runs.set(key, { timer, abort: undefined });
  }

  private run(key: string): void {
    const check = this.state.tables.checks.get(key);
    if (!check || (check.Type !== 'http' && check.Type !== 'tcp')) return;
    const abort = new AbortController();
    this.runs.set(key, { timer: undefined, abort });
    const timeout = this.options.clock.setTimeout(() => {
      abort.abort();
    }, check.Definition.TimeoutMs ?? 10_000);
    const probe = check.Type === 'http' ? this.probes.http : this.probes.tcp;
    const target = { url: check.Definition.HTTP, method: check.Definition.Method, header: check.Definition.Header, body: check.Definition.Body, tlsSkipVerify: check.Definition.TLSSkipVerify, address: check.Definition.TCP };
    const done = probe(target, abort.signal).then((result) => {
      this.options.clock.clearTimeout(timeout);
      if (abort.signal.aborted && this.runs.get(key)?.abort !== abort) return;
      const current = this.state.tables.checks.get(key);
      if (current && deepEqual(current.Definition, check.Definition)) {
        this.report(current, result);
        this.runAfter(key, current.Definition.IntervalMs ?? this.minIntervalMs);
      }
    });
    this.track(done);
  }

  /** Writes a result; an output-only change is written at most every checkUpdateIntervalMs (as Consul). */
  private report(check: CheckRecord, result: ProbeResult): void {
    const key = nodeKey(check.Node, check.CheckID);
    if (check.Status === result.status && check.Output === result.output) return;
    const now = this.options.clock.now();
    const last = this.lastWrite.get(key);
    if (check.Status === result.status && last !== undefined && now - last < this.options.checkUpdateIntervalMs) return;
    this.lastWrite.set(key, now);
    if (check.Status !== result.status) this.options.logger.info({ check: check.CheckID, service: check.ServiceName, status: result.status }, 'check status changed');
    const write = this.state.write((tx) => {
      updateCheck(tx, check, result.status, result.output, now);
    });
    this.track(write.durable.catch(() => undefined));
  }

  private track(promise: Promise<void>): void {
    this.inflight.add(promise);
    void promise.finally(() => this.inflight.delete(promise));
  }

  private cancel(key: string): void {
    const run = this.runs.get(key);
    this.options.clock.clearTimeout(run?.timer);
    run?.abort?.abort();
    this.runs.delete(key);
    this.options.clock.clearTimeout(this.ttlTimers.get(key));
    this.ttlTimers.delete(key);
    this.lastWrite.delete(key);
  }
}
