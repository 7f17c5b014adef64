import type { Clock } from '@meshway/clock';
import type { KeyValueStore, KvEntry } from '@meshway/discovery';
import { errorMessage } from '@meshway/errors';
import { GatewayError } from '../gateway.errors.js';
import type { GatewayLogger } from '../gateway.logger.js';
import type { GatewayMetrics } from '../metrics/gateway.metrics.js';
import { parse as parseYaml } from 'yaml';
import { parseRelease, RELEASES_PREFIX, type Release } from './release.schema.js';
import { ReleaseState } from './release.state.js';

/** A release as `/releases` shows it. */
export interface ReleaseView extends Release {
  readonly service: string;
  /** The KV version in force. */
  readonly version: string;
  /** The last rejected document for this service and why (the previous good one stays in force). */
  readonly rejected?: { readonly version: string; readonly error: string };
}

function checkService(service: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(service)) throw new GatewayError('MESHWAY_BAD_REQUEST', `Not a service name: ${JSON.stringify(service.slice(0, 100))}.`);
}

/**
 * The releases in force, one per service, read from `meshway/gateway/releases/<service>` in the registry KV (every
 * replica watches it, so a weight change reaches all of them within a round trip). An invalid document is rejected and
 * logged; the service's last good release stays. When a guard trips, the release is rolled back here at once (weight 0)
 * and written back to KV with the reason, compare-and-set, so every replica follows and the reason is on record.
 */
export class ReleaseTable {
  private readonly states = new Map<string, ReleaseState>();
  private readonly rejected = new Map<string, { readonly version: string; readonly error: string }>();

  constructor(
    private readonly deps: { readonly kv: KeyValueStore; readonly clock: Clock; readonly logger: GatewayLogger; readonly metrics: GatewayMetrics },
  ) {}

  /** The live release of `service`, if any (a Map lookup: on the hot path of every HTTP route). */
  get(service: string): ReleaseState | undefined {
    return this.states.get(service);
  }

  /** Applies the entries under the gateway's KV prefix (only those under `releases/` are read here). */
  update(entries: readonly KvEntry[]): void {
    const seen = new Set<string>();
    for (const entry of entries) {
      if (!entry.key.startsWith(RELEASES_PREFIX)) continue;
      const service = entry.key.slice(RELEASES_PREFIX.length);
      seen.add(service);
      if (this.states.get(service)?.modifyIndex === entry.modifyIndex) continue;
      this.apply(service, entry);
    }
    for (const service of [...this.states.keys()]) {
      if (seen.has(service)) continue;
      this.states.delete(service);
      this.deps.metrics.setReleaseWeight(service, undefined);
      this.deps.logger.info({ service }, 'gateway: release removed; all traffic follows the route');
    }
  }

  list(): ReleaseView[] {
    return [...this.states.values()].map((state) => ({
      ...state.release,
      service: state.service,
      version: state.modifyIndex.toString(),
      ...(this.rejected.has(state.service) ? { rejected: this.rejected.get(state.service) } : {}),
    }));
  }

  /**
   * Writes a release (validated first; errors name the field). Every replica applies it from the KV watch; this one
   * waits until it has, so a caller that changed the weight can rely on the next request following it.
   */
  async put(service: string, body: unknown): Promise<ReleaseView> {
    checkService(service);
    const release = parseRelease(body, `release for ${service}`);
    const key = `${RELEASES_PREFIX}${service}`;
    await this.deps.kv.set(key, JSON.stringify(release, null, 2));
    const [entry] = (await this.deps.kv.list(key)).filter((e) => e.key === key);
    if (entry && this.states.get(service)?.modifyIndex !== entry.modifyIndex) this.apply(service, entry);
    return this.list().find((view) => view.service === service) ?? { ...release, service, version: entry?.modifyIndex.toString() ?? '0' };
  }

  async remove(service: string): Promise<void> {
    checkService(service);
    if (!this.states.has(service) && !this.rejected.has(service)) throw new GatewayError('MESHWAY_NOT_FOUND', `No release of ${service}.`);
    await this.deps.kv.delete(`${RELEASES_PREFIX}${service}`);
    this.update((await this.deps.kv.list(RELEASES_PREFIX)));
  }

  private apply(service: string, entry: KvEntry): void {
    let release: Release;
    try {
      release = parseRelease(parseYaml(entry.value), `release ${entry.key}`);
    } catch (error) {
      this.rejected.set(service, { version: entry.modifyIndex.toString(), error: errorMessage(error) });
      this.deps.logger.error({ service, key: entry.key, err: errorMessage(error) }, 'gateway: release rejected; the last good one stays in force');
      return;
    }
    this.rejected.delete(service);
    const state = new ReleaseState(service, release, entry.modifyIndex, this.deps.clock, (tripped, reason) => void this.rollBack(tripped, reason));
    this.states.set(service, state);
    this.deps.metrics.setReleaseWeight(service, release.state === 'active' ? release.weight : 0);
    this.deps.logger.info({ service, stable: release.stable, canary: release.canary, weight: release.weight, state: release.state }, 'gateway: release applied');
  }

  /** Records the rollback in KV (compare-and-set: another replica may have written it first, which is as good). */
  private async rollBack(state: ReleaseState, reason: string): Promise<void> {
    this.deps.metrics.countRollback(state.service);
    this.deps.metrics.setReleaseWeight(state.service, 0);
    this.deps.logger.error({ service: state.service, canary: state.release.canary, reason }, 'gateway: canary rolled back');
    const rolledBack: Release = { ...state.release, weight: 0, state: 'rolled-back', rollback: { at: new Date(this.deps.clock.now()).toISOString(), reason } };
    try {
      await this.deps.kv.set(`${RELEASES_PREFIX}${state.service}`, JSON.stringify(rolledBack, null, 2), { cas: state.modifyIndex });
    } catch (error) {
      this.deps.logger.warn({ service: state.service, err: errorMessage(error) }, 'gateway: could not record the rollback in KV; this replica keeps the canary at 0');
    }
  }
}
