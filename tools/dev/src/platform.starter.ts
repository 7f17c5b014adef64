import type { BannerModel } from './banner.printer.js';
import { readCatalog, type ComponentRole } from './component.catalog.js';
import { resolveDevOptions, type DevOptions, type ResolvedDevOptions } from './dev.options.js';
import { launchStage, type LaunchContext, type LaunchedInstance } from './instance.launcher.js';
import { LogPrefixer } from './log.prefixer.js';
import type { ChildExit } from './managed.child.js';
import { parseNatsServers, probeNats } from './nats.probe.js';
import { resolvePlatformEnv, type PlatformEnv } from './platform.env.js';
import { bannerLinks, base, healthUrl } from './platform.urls.js';
import { allocatePorts, assertPortFree } from './port.allocator.js';
import { ProcessSupervisor, type StopReport } from './process.supervisor.js';
import { planStart, type StartPlan } from './start.plan.js';
import { decideTransport, needsNatsProbe, type TransportDecision } from './transport.decision.js';

/** One running process of the platform. */
export interface RunningInstance {
  /** Instance name: the app folder, or `users#2` for replicas. */
  readonly name: string;
  /** The app folder name. */
  readonly component: string;
  readonly role: ComponentRole;
  readonly pid: number | undefined;
  /** Services only: the port it was given in PORT. */
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
  /** Resolves when an instance exits on its own after ready; never resolves for exits caused by `stop()`. */
  readonly unexpectedExit: Promise<ChildExit>;
  /** SIGTERM stage by stage (gateway, services, registry), SIGKILL what is left after the grace period. Idempotent. */
  stop(): Promise<StopReport>;
  /** SIGKILL everything now (a second Ctrl-C). */
  killNow(): void;
}

const OWN_NAME = 'meshway';

/**
 * Starts the platform like `npm start`: registry, then services, then gateway, each stage once healthy.
 * On any failure everything started is stopped and a `DevError` thrown (with the failing instance's last lines).
 */
export async function startPlatform(options: DevOptions = {}): Promise<PlatformHandle> {
  const o = resolveDevOptions(options);
  const started = o.clock.monotonic();
  const env = resolvePlatformEnv(o.env, o.rootDir);
  const plan = planStart(readCatalog(o.appsDir), { ...(o.only ? { only: o.only } : {}), replicas: o.replicas });
  await checkFixedPorts(plan, env);
  const transport = await chooseTransport(plan, env);
  const stages = await assignPorts(plan, env);
  const width = Math.max(OWN_NAME.length, ...stages.flat().map((i) => i.planned.name.length));
  const prefixer = new LogPrefixer(o.output, { color: o.color, width });
  const say = sayer(prefixer);
  const supervisor = new ProcessSupervisor({ prefixer, clock: o.clock, graceMs: o.stopGraceMs, killWaitMs: 1_000, pollMs: 25 });
  const ctx = launchContext(o, env, supervisor);
  o.forceStop?.addEventListener('abort', () => {
    supervisor.killAllNow();
  });
  try {
    for (const [stage, instances] of stages.entries()) {
      say(`starting ${instances.map(describeInstance).join(', ')}`);
      const waited = await launchStage(ctx, stage, instances, o.signal);
      say(`healthy: ${[...waited].map(([name, ms]) => `${name} (${Math.round(ms)} ms)`).join(', ')}`);
    }
  } catch (error) {
    await supervisor.stopAll();
    throw error;
  }
  const readyMs = o.clock.monotonic() - started;
  return makeHandle(supervisor, stages.flat(), env, transport, { entries: [], transportLine: transport.line, notes: plan.notes, readyMs });
}

async function checkFixedPorts(plan: StartPlan, env: PlatformEnv): Promise<void> {
  const roles = new Set(plan.stages.map((s) => s.role));
  if (roles.has('registry')) await assertPortFree('REGISTRY_PORT', env.registryPort);
  if (roles.has('gateway')) {
    await assertPortFree('GATEWAY_PORT', env.gatewayPort);
    await assertPortFree('GATEWAY_ADMIN_PORT', env.gatewayAdminPort);
  }
}

async function chooseTransport(plan: StartPlan, env: PlatformEnv): Promise<TransportDecision> {
  const natsServices = [
    ...new Set(plan.stages.flatMap((s) => s.instances).filter((i) => i.component.transport === 'nats').map((i) => i.component.name)),
  ];
  const servers = parseNatsServers(env.natsUrl);
  const probe = needsNatsProbe(env.transport, natsServices) ? await probeNats(servers) : undefined;
  return decideTransport({ mode: env.transport, natsUrl: env.natsUrl, natsServices, ...(probe ? { probe } : {}) });
}

async function assignPorts(plan: StartPlan, env: PlatformEnv): Promise<LaunchedInstance[][]> {
  const serviceCount = plan.stages.flatMap((s) => s.instances).filter((i) => i.component.role === 'service').length;
  const ports = await allocatePorts(serviceCount, [env.registryPort, env.gatewayPort, env.gatewayAdminPort]);
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
  launched: readonly LaunchedInstance[],
  env: PlatformEnv,
  transport: TransportDecision,
  banner: BannerModel,
): PlatformHandle {
  const instances = launched.map((l): RunningInstance => ({
    name: l.planned.name,
    component: l.planned.component.name,
    role: l.planned.component.role,
    pid: supervisor.all.find((c) => c.name === l.planned.name)?.pid,
    port: l.port,
    healthUrl: l.healthUrl,
  }));
  const entries = launched.map((l) => ({ name: l.planned.name, links: bannerLinks(l.planned.component, env, l.port) }));
  const unexpectedExit = Promise.race(supervisor.all.map((c) => c.exited)).then((exit) =>
    supervisor.isStopping ? new Promise<ChildExit>(() => undefined) : exit,
  );
  return {
    urls: platformUrls(launched, env),
    instances,
    transport,
    readyMs: banner.readyMs,
    banner: { ...banner, entries },
    unexpectedExit,
    stop: () => supervisor.stopAll(),
    killNow: () => {
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
