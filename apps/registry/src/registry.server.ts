import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ApiContext, LocalNode } from './api/api.context.js';
import { buildApp } from './api/app.factory.js';
import { CONSUL_API_VERSION } from './api/agent-self.view.js';
import { ResponseCache } from './api/response.cache.js';
import { CheckScheduler } from './checks/check.scheduler.js';
import { UserEventLog } from './events/user-event.log.js';
import { resolveOptions, type RegistryOptions, type ResolvedRegistryOptions } from './registry.options.js';
import { ensureLocalNode } from './state/local-node.ops.js';
import { RegistryState } from './state/registry.state.js';
import { SessionTimers } from './state/session.timers.js';
import { Checkpointer } from './store/checkpointer.js';
import { markCleanShutdown, openStore } from './store/store.opener.js';

export const REGISTRY_VERSION = '0.1.0';

/** A running registry. */
export interface RunningRegistry {
  /** Base URL, e.g. `http://127.0.0.1:8500`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly node: LocalNode;
  /** Whether the state came from the live database, the last checkpoint, or nothing usable. */
  readonly recoveredFrom: 'database' | 'checkpoint' | 'empty';
  /** For tests and the bench: the state (read-only use) and the check scheduler. */
  readonly state: RegistryState;
  readonly checks: CheckScheduler;
  /** Stops listening (dropping blocked queries), stops checks and timers, flushes and closes the database. */
  close(): Promise<void>;
}

/** Opens the data directory, restores state, starts checks and serves Consul's HTTP API. */
export async function startRegistry(input: RegistryOptions): Promise<RunningRegistry> {
  const options = resolveOptions(input);
  const { clock, logger } = options;
  const opened = openStore(options.dataDir, logger, clock);
  const state = new RegistryState(opened.store, opened.loaded, options.onFatal);
  const node = await startLocalNode(state, options);
  const sessions = new SessionTimers(state, clock, logger);
  const checks = new CheckScheduler(state, { clock, logger, checkUpdateIntervalMs: options.checkUpdateIntervalMs, minIntervalMs: options.minCheckIntervalMs });
  const checkpointer = new Checkpointer(opened.store, options.dataDir, clock, options.checkpointIntervalMs, () => state.lastIndex, logger);
  const events = new UserEventLog(state.feed);
  const ctx: ApiContext = { state, clock, random: options.random, node, cache: new ResponseCache(), logger, sessions, checks, events, maxBodyBytes: options.maxBodyBytes, version: REGISTRY_VERSION };
  const app = buildApp(ctx, { aclToken: options.aclToken, maxBodyBytes: options.maxBodyBytes });
  sessions.start();
  checks.start();
  checkpointer.start();
  try {
    await app.listen({ port: options.port, host: options.host });
  } catch (error) {
    await shutdown(app, checks, sessions, checkpointer, state, opened.store);
    markCleanShutdown(options.dataDir);
    throw error;
  }
  const port = (app.server.address() as AddressInfo).port;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    host: options.host,
    port,
    node,
    recoveredFrom: opened.source,
    state,
    checks,
    close: async () => {
      await shutdown(app, checks, sessions, checkpointer, state, opened.store);
      markCleanShutdown(options.dataDir);
    },
  };
}

/** The registry's own node: its ID survives restarts; its records are refreshed on every start. */
async function startLocalNode(state: RegistryState, options: ResolvedRegistryOptions): Promise<LocalNode> {
  const existing = state.tables.nodes.get(options.nodeName);
  const node: LocalNode = { name: options.nodeName, id: existing?.ID ?? randomUUID(), address: options.advertiseAddress, datacenter: options.datacenter };
  await ensureLocalNode(state, { ...node, version: REGISTRY_VERSION, consulVersion: CONSUL_API_VERSION });
  return node;
}

async function shutdown(
  app: FastifyInstance,
  checks: CheckScheduler,
  sessions: SessionTimers,
  checkpointer: Checkpointer,
  state: RegistryState,
  store: { close(): Promise<void> },
): Promise<void> {
  await app.close();
  await checks.stop();
  sessions.stop();
  await state.whenDurable();
  // A clean stop leaves a checkpoint of the final state.
  await checkpointer.checkpoint();
  await checkpointer.stop();
  await store.close();
}
