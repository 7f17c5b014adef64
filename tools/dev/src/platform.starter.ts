import { join } from 'node:path';
import { checkPortFree, freePorts, type ChildExit, type ManagedChild } from '@meshway/process';
import { detectTransport } from '@meshway/transport';
import type { BannerModel } from './banner.printer.js';
import { readCatalog, type ComponentRole } from './component.catalog.js';
import { DevError, DevErrorCode } from './dev.errors.js';
import { resolveDevOptions, type DevOptions, type ResolvedDevOptions } from './dev.options.js';
import { launchStage, waitHealthy, type LaunchContext, type LaunchedInstance } from './instance.launcher.js';
import { LogPrefixer } from './log.prefixer.js';
import { withAdminToken } from './admin-token.js';
import { resolvePlatformEnv, withDecidedTransport, type PlatformEnv } from './platform.env.js';
import { bannerLinks, base, healthUrl } from './platform.urls.js';
import { ProcessSupervisor, type StopReport } from './process.supervisor.js';
import { describeRestartPolicy } from './restart.policy.js';
import { RestartSupervisor } from './restart.supervisor.js';
import { planStart, type StartPlan } from './start.plan.js';
import { decideTransport, needsNatsProbe, type TransportDecision } from './transport.decision.js';
import { compiledEntry, compileWorkspace } from './workspace.compiler.js';

/** One running process of the platform. */
export interface RunningInstance {
  /** Instance name: the app folder, `users#2` for replicas, `users@2.0.0` for a canary. */
  readonly name: string;
  /** The app folder name. */
  readonly component: string;
  readonly role: ComponentRole;
  /** The current process (a restarted instance has a new pid). */
  readonly pid: number | undefined;
  /** Services only: the port it was given in PORT (a restart keeps it). */
  readonly port: number | undefined;
  readonly healthUrl: string;
}

/** Base URLs of what started (absent when not started). */
export interface PlatformUrls {
  readonly registry?: string;
  readonly gateway?: string;
  readonly gatewayAdmin?: string;
  /** Service name → one base URL per instance. */
  readonly services: Readonly<Record<string, readonly string[]>>;
}

/** A started platform. */
export interface PlatformHandle {
  readonly urls: PlatformUrls;
  readonly instances: readonly RunningInstance[];
  readonly transport: TransportDecision;
  /** From the call to all healthy, ms. */
  readonly readyMs: number;
  /** What the banner shows; print with `formatBanner(handle.banner)`. */
  readonly banner: BannerModel;
  /**
   * Resolves with the last exit of an instance that crash-looped (the restart policy gave up on it); the
   * caller stops everything. Instances that exit less often are restarted; exits caused by `stop()` never count.
   */
  readonly unexpectedExit: Promise<ChildExit>;
  /** No more restarts; SIGTERM stage by stage (gateway, services, registry), SIGKILL what is left after the grace period. Idempotent. */
  stop(): Promise<StopReport>;
  /** SIGKILL everything now (a second Ctrl-C). */
  killNow(): void;
}

const OWN_NAME = 'meshway';
/** Grace for ending what is left of a dead instance's group before it is restarted, ms. */
const LEFTOVER_GRACE_MS = 2_000;

/**
 * Starts the platform like `npm start`: registry, then services, then gateway, each stage once healthy,
 * every child told the one decided transport. After ready, instances that exit are restarted (see `restart`).
 * On any failure during the start everything started is stopped and a `DevError` thrown (with the failing instance's last lines).
 */
export async function startPlatform(options: DevOptions = {}): Promise<PlatformHandle> {
  const o = resolveDevOptions(options);
  const started = o.clock.monotonic();
  const asked = resolvePlatformEnv(o.env, o.rootDir);
  const plan = await compiled(planStart(readCatalog(o.appsDir), { ...(o.only ? { only: o.only } : {}), replicas: o.replicas, canary: o.canary }), o.rootDir);
  await checkFixedPorts(plan, asked);
  const transport = await chooseTransport(asked);
  const admin = await withAdminToken(withDecidedTransport(asked, transport.transport), o.rootDir);
  const env = admin.env;
  const stages = await assignPorts(plan, env);
  const width = Math.max(OWN_NAME.length, ...stages.flat().map((i) => i.planned.name.length));
  const prefixer = new LogPrefixer(o.output, { color: o.color, width });
  const say = sayer(prefixer);
  const supervisor = new ProcessSupervisor({ prefixer, clock: o.clock, graceMs: o.stopGraceMs, killWaitMs: 1_000, pollMs: 25 });
  const ctx = launchContext(o, env, supervisor);
  o.forceStop?.addEventListener('abort', () => {
    supervisor.killAllNow();
  });
  const children: ManagedChild[] = [];
  try {
    for (const [stage, instances] of stages.entries()) {
      say(`starting ${instances.map(describeInstance).join(', ')}`);
      const ready = await launchStage(ctx, stage, instances, o.signal);
      children.push(...[...ready.values()].map((r) => r.child));
      say(`healthy: ${[...ready].map(([name, r]) => `${name} (${Math.round(r.ms)} ms)`).join(', ')}`);
    }
  } catch (error) {
    await supervisor.stopAll();
    throw error;
  }
  const restarts = keepRunning(ctx, o, stages.flat(), children, say);
  const banner: BannerModel = {
    entries: [],
    transportLine: transport.line,
    restartLine: describeRestartPolicy(o.restart),
    adminLine: admin.line,
    notes: plan.notes,
    readyMs: o.clock.monotonic() - started,
  };
  return makeHandle(supervisor, restarts, stages.flat(), env, transport, banner);
}

/**
 * Compiles the planned apps written in TypeScript (and the workspace packages they import) to JavaScript and
 * points each at its `dist/` entry: an instance then boots in about half the time, which is what a restart costs.
 */
async function compiled(plan: StartPlan, rootDir: string): Promise<StartPlan> {
  const components = plan.stages.flatMap((stage) => stage.instances.map((instance) => instance.component));
  const typescript = [...new Set(components.filter((c) => compiledEntry(c.entry) !== c.entry).map((c) => c.dir))];
  if (typescript.length === 0) return plan;
  await compileWorkspace(typescript, join(rootDir, '.swcrc'));
  return {
    ...plan,
    stages: plan.stages.map((stage) => ({
      ...stage,
      instances: stage.instances.map((instance) => ({ ...instance, component: { ...instance.component, entry: compiledEntry(instance.component.entry) } })),
    })),
  };
}

/** Restarts instances that exit from now on: same spec (env, port), the policy's backoff, health awaited. */
function keepRunning(
  ctx: LaunchContext,
  o: ResolvedDevOptions,
  launched: readonly LaunchedInstance[],
  children: readonly ManagedChild[],
  say: (line: string) => void,
): RestartSupervisor<ManagedChild> {
  const urls = new Map(launched.map((l) => [l.planned.name, l.healthUrl]));
  const restarts = new RestartSupervisor<ManagedChild>({
    clock: o.clock,
    policy: o.restart,
    respawn: (dead) => ctx.supervisor.respawn(dead),
    waitHealthy: (child, signal) => waitHealthy(ctx, child, urls.get(child.name) ?? '', signal),
    kill: async (child) => {
      await child.kill({ graceMs: LEFTOVER_GRACE_MS, killWaitMs: 1_000 });
    },
    log: say,
  });
  for (const child of children) restarts.keep(child);
  return restarts;
}

async function checkFixedPorts(plan: StartPlan, env: PlatformEnv): Promise<void> {
  const roles = new Set(plan.stages.map((s) => s.role));
  if (roles.has('registry')) await assertPortFree('REGISTRY_PORT', env.registryPort);
  if (roles.has('gateway')) {
    await assertPortFree('GATEWAY_PORT', env.gatewayPort);
    await assertPortFree('GATEWAY_ADMIN_PORT', env.gatewayAdminPort);
  }
}

/** Throws `MESHWAY_DEV_PORT_IN_USE` when `port` cannot be bound (e.g. a registry from an earlier run still holds 8500). */
async function assertPortFree(variable: string, port: number): Promise<void> {
  const check = await checkPortFree(port);
  if (check.free) return;
  throw new DevError(
    DevErrorCode.PortInUse,
    `${variable}=${port} cannot be used (${check.reason}): another process holds 127.0.0.1:${port}. Stop it (an earlier npm start?) or set ${variable}.`,
  );
}

/** Probes NATS once (unless HTTP is forced) with the same `detectTransport` the gateway and services use. */
async function chooseTransport(env: PlatformEnv): Promise<TransportDecision> {
  const probe = needsNatsProbe(env.transport) ? await detectTransport({ mode: 'auto', natsServers: env.natsServers }) : undefined;
  return decideTransport({ mode: env.transport, natsUrl: env.natsUrl, ...(probe ? { probe } : {}) });
}

async function assignPorts(plan: StartPlan, env: PlatformEnv): Promise<LaunchedInstance[][]> {
  const serviceCount = plan.stages.flatMap((s) => s.instances).filter((i) => i.component.role === 'service').length;
  // The registry's and gateway's ports are free but not bound yet: never hand them to a service.
  const ports = await freePorts(serviceCount, { exclude: [env.registryPort, env.gatewayPort, env.gatewayAdminPort] });
  return plan.stages.map((stage) =>
    stage.instances.map((planned) => {
      const port = planned.component.role === 'service' ? ports.shift() : undefined;
      return { planned, port, healthUrl: healthUrl(planned.component, env, port) };
    }),
  );
}

function launchContext(o: ResolvedDevOptions, env: PlatformEnv, supervisor: ProcessSupervisor): LaunchContext {
  return {
    supervisor,
    env,
    parentEnv: o.env,
    rootDir: o.rootDir,
    color: o.color,
    clock: o.clock,
    timeoutMs: o.timeoutMs,
    intervalMs: o.healthIntervalMs,
  };
}

function makeHandle(
  supervisor: ProcessSupervisor,
  restarts: RestartSupervisor<ManagedChild>,
  launched: readonly LaunchedInstance[],
  env: PlatformEnv,
  transport: TransportDecision,
  banner: BannerModel,
): PlatformHandle {
  const instances = launched.map(
    (l): RunningInstance => ({
      name: l.planned.name,
      component: l.planned.component.name,
      role: l.planned.component.role,
      get pid() {
        return restarts.instance(l.planned.name)?.pid;
      },
      port: l.port,
      healthUrl: l.healthUrl,
    }),
  );
  const entries = launched.map((l) => ({ name: l.planned.name, links: bannerLinks(l.planned.component, env, l.port, transport.transport) }));
  return {
    urls: platformUrls(launched, env),
    instances,
    transport,
    readyMs: banner.readyMs,
    banner: { ...banner, entries },
    unexpectedExit: restarts.gaveUp,
    stop: () => {
      restarts.stop();
      return supervisor.stopAll();
    },
    killNow: () => {
      restarts.stop();
      supervisor.killAllNow();
    },
  };
}

function platformUrls(launched: readonly LaunchedInstance[], env: PlatformEnv): PlatformUrls {
  const roles = new Set(launched.map((l) => l.planned.component.role));
  const services: Record<string, string[]> = {};
  for (const l of launched) {
    if (l.port === undefined) continue;
    (services[l.planned.component.name] ??= []).push(base(l.port));
  }
  return {
    ...(roles.has('registry') ? { registry: base(env.registryPort) } : {}),
    ...(roles.has('gateway') ? { gateway: base(env.gatewayPort), gatewayAdmin: base(env.gatewayAdminPort) } : {}),
    services,
  };
}

function describeInstance(instance: LaunchedInstance): string {
  return instance.port === undefined ? instance.planned.name : `${instance.planned.name} on port ${instance.port}`;
}

function sayer(prefixer: LogPrefixer): (line: string) => void {
  const prefix = prefixer.prefixFor(OWN_NAME);
  return (line) => {
    prefixer.writeLines(prefix, [line]);
  };
}
