import type { Clock, Random } from '@meshway/clock';
import type { RegistryLogger } from '../registry.logger.js';
import type { RegistryState } from '../state/registry.state.js';
import type { SessionTimers } from '../state/session.timers.js';
import type { CheckScheduler } from '../checks/check.scheduler.js';
import type { UserEventLog } from '../events/user-event.log.js';
import type { ResponseCache } from './response.cache.js';

/** The registry's own node. */
export interface LocalNode {
  readonly name: string;
  readonly id: string;
  readonly address: string;
  readonly datacenter: string;
}

/** What every route module needs. */
export interface ApiContext {
  readonly state: RegistryState;
  readonly clock: Clock;
  readonly random: Random;
  readonly node: LocalNode;
  readonly cache: ResponseCache;
  readonly logger: RegistryLogger;
  readonly sessions: SessionTimers;
  readonly checks: CheckScheduler;
  /** User events: memory only, like a Consul agent's. */
  readonly events: UserEventLog;
  readonly maxBodyBytes: number;
  readonly version: string;
}
