import { FakeClock } from '@meshway/testing';
import { describe, expect, it } from 'vitest';
import { DiscoveryError, DiscoveryErrorCode } from './discovery.errors.js';
import type { DiscoveryLogger } from './discovery.logger.js';
import type { AgentServiceEntry } from './consul.api.js';
import type { RegistryAgent } from './registrar.options.js';
import { buildRegistration, type ServiceRegistration } from './service-registration.js';
import { ServiceRegistrar } from './service.registrar.js';

/** An in-memory agent with Consul's answers: 404 for an unknown check, "unreachable" while down. */
class InMemoryAgent implements RegistryAgent {
  readonly services = new Map<string, ServiceRegistration>();
  readonly calls: string[] = [];
  reachable = true;
  refuse: number | undefined;

  register(registration: ServiceRegistration): Promise<void> {
    return this.answer(`register ${registration.id}`, () => {
      this.services.set(registration.id, registration);
    });
  }
  deregister(id: string): Promise<void> {
    return this.answer(`deregister ${id}`, () => {
      this.services.delete(id);
    });
  }
  passCheck(checkId: string): Promise<void> {
    return this.answer(`pass ${checkId}`, () => {
      if (!this.services.has(checkId.replace(/^service:/, ''))) throw new DiscoveryError(DiscoveryErrorCode.RegistryRejected, 'Unknown check ID', { status: 404 });
    });
  }
  hasService(id: string): Promise<boolean> {
    return this.answer(`has ${id}`, () => this.services.has(id));
  }
  /** Read on every registration; not logged in `calls`, which records what the registrar does to the agent. */
  agentServices(): Promise<AgentServiceEntry[]> {
    return this.answer(undefined, () => [...this.services.values()].map(({ id, name, address, port }) => ({ id, service: name, address, port })));
  }
  maintenance(id: string, enable: boolean): Promise<void> {
    return this.answer(`maintenance ${id} ${enable}`, () => undefined);
  }
  close(): void {
    this.calls.push('close');
  }

  private async answer<T>(call: string | undefined, run: () => T): Promise<T> {
    if (call !== undefined) this.calls.push(call);
    await Promise.resolve();
    if (!this.reachable) throw new DiscoveryError(DiscoveryErrorCode.RegistryUnreachable, 'connect ECONNREFUSED');
    if (this.refuse !== undefined) throw new DiscoveryError(DiscoveryErrorCode.RegistryRejected, 'Permission denied', { status: this.refuse });
    return run();
  }
}

class RecordingLogger implements DiscoveryLogger {
  readonly lines: string[] = [];
  warn(_obj: Record<string, unknown>, msg: string): void {
    this.lines.push(`warn ${msg}`);
  }
  info(_obj: Record<string, unknown>, msg: string): void {
    this.lines.push(`info ${msg}`);
  }
}

const ttlService = buildRegistration({ name: 'users', id: 'users-1', address: '127.0.0.1', port: 3001, check: { ttl: '3s' } });
const httpService = buildRegistration({ name: 'users', id: 'users-1', address: '127.0.0.1', port: 3001 });

function setup() {
  const clock = new FakeClock(0);
  const agent = new InMemoryAgent();
  const logger = new RecordingLogger();
  const registrar = new ServiceRegistrar({ agent, clock, logger, random: () => 0.999_999, backoff: { initialMs: 100, maxMs: 400 }, verifyEveryMs: 5_000 });
  return { clock, agent, logger, registrar };
}

describe('ServiceRegistrar', () => {
  it('registers, passes a TTL check at once, then heartbeats every ttl/3', async () => {
    const { clock, agent, registrar } = setup();
    await registrar.register(ttlService);
    expect(agent.calls).toEqual(['register users-1', 'pass service:users-1']);
    await clock.advance(999);
    expect(agent.calls).toHaveLength(2);
    await clock.advance(1);
    await clock.advance(3_000);
    expect(agent.calls.slice(2)).toEqual(['pass service:users-1', 'pass service:users-1', 'pass service:users-1', 'pass service:users-1']);
    expect(registrar.stats()).toEqual({ registrations: 1, heartbeats: 5, failures: 0 });
    await registrar.close();
  });

  it('registers again when a heartbeat finds the registry lost the service (restart without data)', async () => {
    const { clock, agent, logger, registrar } = setup();
    await registrar.register(ttlService);
    agent.services.clear();
    agent.calls.length = 0;
    await clock.advance(1_000);
    expect(agent.calls).toEqual(['pass service:users-1', 'register users-1', 'pass service:users-1']);
    expect(agent.services.has('users-1')).toBe(true);
    expect(logger.lines).toEqual(['info The registry lost this service (restarted without its data?): registering it again']);
    await registrar.close();
  });

  it('with an HTTP check, asks every verifyEveryMs whether the registry still has it, and registers again if not', async () => {
    const { clock, agent, registrar } = setup();
    await registrar.register(httpService);
    await clock.advance(5_000);
    agent.services.clear();
    await clock.advance(5_000);
    expect(agent.calls).toEqual(['register users-1', 'has users-1', 'has users-1', 'register users-1']);
    await registrar.close();
  });

  it('keeps retrying register() with backoff while the registry is unreachable, warning once', async () => {
    const { clock, agent, logger, registrar } = setup();
    agent.reachable = false;
    let done = false;
    const registered = registrar.register(ttlService).then(() => (done = true));
    await clock.advance(100 + 200 + 400 + 400);
    expect(agent.calls.filter((c) => c.startsWith('register'))).toHaveLength(5);
    expect(done).toBe(false);
    agent.reachable = true;
    await clock.advance(400);
    await registered;
    expect(agent.services.has('users-1')).toBe(true);
    expect(logger.lines).toEqual(['warn Registry unreachable: will keep this service registered once it is back', 'info Registry reachable again: registration kept']);
    await registrar.close();
  });

  it('rejects with MESHWAY_REGISTRATION_FAILED and does not retry when the registry refuses the registration', async () => {
    const { agent, registrar } = setup();
    agent.refuse = 403;
    await expect(registrar.register(ttlService)).rejects.toMatchObject({ code: 'MESHWAY_REGISTRATION_FAILED', status: 403, message: expect.stringContaining('Permission denied') });
    expect(agent.calls).toEqual(['register users-1']);
  });

  it('rejects an invalid registration before calling the registry', async () => {
    const { agent, registrar } = setup();
    await expect(registrar.register({ ...ttlService, port: 70_000 })).rejects.toMatchObject({ code: 'MESHWAY_DISCOVERY_INVALID_OPTIONS' });
    expect(agent.calls).toEqual([]);
  });

  it('drains (maintenance) then deregisters only its own id, and stops heartbeating', async () => {
    const { clock, agent, registrar } = setup();
    agent.services.set('users-2', { ...ttlService, id: 'users-2', port: 3002 });
    await registrar.register(ttlService);
    await registrar.drain();
    await registrar.deregister();
    await clock.advance(60_000);
    expect(agent.calls).toEqual(['register users-1', 'pass service:users-1', 'maintenance users-1 true', 'deregister users-1']);
    expect([...agent.services.keys()]).toEqual(['users-2']);
    expect(registrar.registration).toBeUndefined();
  });

  it('stops a register() still retrying when deregistered, without calling deregister on the registry', async () => {
    const { clock, agent, registrar } = setup();
    agent.reachable = false;
    const registered = registrar.register(ttlService);
    await clock.advance(0);
    await registrar.deregister();
    await expect(registered).rejects.toMatchObject({ code: 'MESHWAY_DISCOVERY_CLOSED' });
    expect(agent.calls).toEqual(['register users-1']);
  });

  it('refuses a second id while one is registered', async () => {
    const { registrar } = setup();
    await registrar.register(ttlService);
    await expect(registrar.register({ ...ttlService, id: 'users-9' })).rejects.toThrow(/"id": got "users-9"; allowed: the id already registered \("users-1"\)/);
    await registrar.close();
  });

  it('replaces registrations of a previous process at the same address and port, and only those', async () => {
    const { agent, logger, registrar } = setup();
    const crashed = { ...httpService, id: 'users-old' };
    const sibling = { ...httpService, id: 'users-2', port: 3002 };
    const otherService = { ...httpService, id: 'orders-1', name: 'orders' };
    for (const registration of [crashed, sibling, otherService]) agent.services.set(registration.id, registration);
    await registrar.register(httpService);
    expect([...agent.services.keys()].sort()).toEqual(['orders-1', 'users-1', 'users-2']);
    expect(agent.calls).toEqual(['register users-1', 'deregister users-old']);
    expect(logger.lines).toEqual(['info Replaced the registration of a previous process at the same address']);
    await registrar.close();
  });

  it('keeps its registration when removing a predecessor fails, with one warning', async () => {
    const { agent, logger, registrar } = setup();
    agent.services.set('users-old', { ...httpService, id: 'users-old' });
    const deregister = agent.deregister.bind(agent);
    agent.deregister = (id) => (id === 'users-old' ? Promise.reject(new DiscoveryError(DiscoveryErrorCode.RegistryRejected, 'Permission denied', { status: 403 })) : deregister(id));
    await registrar.register(httpService);
    expect(agent.services.has('users-1')).toBe(true);
    expect(logger.lines).toEqual(['warn Could not remove registrations of a previous process at the same address']);
    await registrar.close();
  });
});
