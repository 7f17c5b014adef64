import type { Clock, TimerHandle } from '@meshway/clock';
import type { CheckRecord } from '../model/records.js';
import type { RegistryLogger } from '../registry.logger.js';
import { deregisterService } from '../state/catalog.ops.js';
import type { RegistryState } from '../state/registry.state.js';
import { nodeKey } from '../state/state.tables.js';

/**
 * DeregisterCriticalServiceAfter: once a service check has been critical for that long, the service
 * is deregistered. The countdown starts when the check turns critical (a new check starts critical)
 * and stops when it leaves critical; after a restart it starts again from the restart.
 */
export class CriticalReaper {
  private readonly timers = new Map<string, TimerHandle>();

  constructor(
    private readonly state: RegistryState,
    private readonly clock: Clock,
    private readonly logger: RegistryLogger,
  ) {}

  track(check: CheckRecord): void {
    const key = nodeKey(check.Node, check.CheckID);
    const after = check.Definition.DeregisterCriticalServiceAfterMs;
    if (check.Status !== 'critical' || after === undefined || check.ServiceID === '') {
      this.forget(check);
      return;
    }
    if (this.timers.has(key)) return;
    this.timers.set(key, this.clock.setTimeout(() => {
      this.reap(key);
    }, after));
  }

  forget(check: CheckRecord): void {
    const key = nodeKey(check.Node, check.CheckID);
    this.clock.clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  stop(): void {
    for (const timer of this.timers.values()) this.clock.clearTimeout(timer);
    this.timers.clear();
  }

  private reap(key: string): void {
    this.timers.delete(key);
    const check = this.state.tables.checks.get(key);
    if (check?.Status !== 'critical') return;
    this.logger.warn({ service: check.ServiceID, check: check.CheckID }, 'check critical past DeregisterCriticalServiceAfter; deregistering the service');
    this.state
      .write((tx) => {
        deregisterService(tx, check.Node, check.ServiceID, this.clock.now());
      })
      .durable.catch(() => undefined);
  }
}
