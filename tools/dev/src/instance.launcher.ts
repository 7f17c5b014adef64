import type { Clock } from '@meshway/clock';
import { describeExit, LOCALHOST, type ManagedChild } from '@meshway/process';
import { DevError, DevErrorCode } from './dev.errors.js';
import { waitForHealth } from './health.waiter.js';
import { httpProbe } from './http.probe.js';
import type { PlatformEnv } from './platform.env.js';
import type { ProcessSupervisor } from './process.supervisor.js';
import type { PlannedInstance } from './start.plan.js';

/** Everything needed to launch instances and wait for their health. */
export interface LaunchContext {
  readonly supervisor: ProcessSupervisor;
  /** The decided env: MESHWAY_TRANSPORT is `http` or `nats`. */
  readonly env: PlatformEnv;
  readonly parentEnv: NodeJS.ProcessEnv;
  readonly rootDir: string;
  readonly color: boolean;
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

/** A planned instance, with its port when it is a service. */
export interface LaunchedInstance {
  readonly planned: PlannedInstance;
  readonly port: number | undefined;
  readonly healthUrl: string;
}

/**
 * `node <entry>`: JavaScript (what `npm start` compiled to `dist/`, or a plain `.mjs`) runs as is, its stack
 * traces mapped to the TypeScript; a TypeScript entry goes through swc's hooks with workspace packages from source.
 */
export function nodeArgs(entry: string): string[] {
  if (!/\.[cm]?tsx?$/.test(entry)) return ['--enable-source-maps', entry];
  return ['--conditions=@meshway/source', '--import', '@swc-node/register/esm-register', entry];
}

/** The env contract, plus PORT/HOST for a service instance. */
export function childEnv(ctx: LaunchContext, port: number | undefined): NodeJS.ProcessEnv {
  const color = ctx.color && ctx.parentEnv.FORCE_COLOR === undefined ? { FORCE_COLOR: '1' } : {};
  const own = port === undefined ? {} : { PORT: String(port), HOST: LOCALHOST };
  return { ...ctx.parentEnv, ...color, ...ctx.env.vars, ...own };
}

/**
 * Spawns the instances of one stage together and resolves once all answer health. The first to exit or
 * time out aborts the others and rejects (`MESHWAY_DEV_EXITED_DURING_START` / `MESHWAY_DEV_HEALTH_TIMEOUT`,
 * with its last lines); `signal` aborting rejects with `MESHWAY_DEV_INTERRUPTED`.
 */
export async function launchStage(
  ctx: LaunchContext,
  stage: number,
  instances: readonly LaunchedInstance[],
  signal: AbortSignal | undefined,
): Promise<Map<string, { child: ManagedChild; ms: number }>> {
  const stageAbort = new AbortController();
  const onAbort = (): void => {
    stageAbort.abort(new DevError(DevErrorCode.Interrupted, 'Start interrupted: stopping what was started.'));
  };
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    stageAbort.signal.throwIfAborted(); // interrupted between stages: spawn nothing more
    const waits = instances.map(async (instance) => {
      const child = spawnInstance(ctx, stage, instance);
      try {
        return [instance.planned.name, { child, ms: await waitHealthy(ctx, child, instance.healthUrl, stageAbort.signal) }] as const;
      } catch (error) {
        stageAbort.abort(error); // the first failure ends the whole stage
        throw error;
      }
    });
    return new Map(await Promise.all(waits));
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stageAbort.abort(new Error('stage finished'));
  }
}

/**
 * Health-polls one child and resolves the ms waited. Rejects with `MESHWAY_DEV_EXITED_DURING_START` when it
 * exits first, `MESHWAY_DEV_HEALTH_TIMEOUT` (with its last lines) when time runs out, or `signal`'s reason.
 */
export async function waitHealthy(ctx: LaunchContext, child: ManagedChild, url: string, signal: AbortSignal): Promise<number> {
  const abort = new AbortController();
  const onAbort = (): void => {
    abort.abort(signal.reason);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  void child.exited.then((exit) => {
    const error = new DevError(DevErrorCode.ExitedDuringStart, `${child.name} ${describeExit(exit)} before it was healthy.`, {
      component: child.name,
      lastLines: exit.lastLines,
    });
    abort.abort(error);
  });
  try {
    return await waitForHealth(url, {
      clock: ctx.clock,
      probe: httpProbe,
      timeoutMs: ctx.timeoutMs,
      intervalMs: ctx.intervalMs,
      attemptTimeoutMs: 2_000,
      signal: abort.signal,
      component: child.name,
    });
  } catch (error) {
    if (error instanceof DevError && error.code === DevErrorCode.HealthTimeout) {
      throw new DevError(error.code, error.message, { component: child.name, lastLines: child.lastLines() });
    }
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function spawnInstance(ctx: LaunchContext, stage: number, instance: LaunchedInstance): ManagedChild {
  const { component } = instance.planned;
  return ctx.supervisor.spawn({
    name: instance.planned.name,
    stage,
    command: process.execPath,
    args: nodeArgs(component.entry),
    cwd: ctx.rootDir,
    env: { ...childEnv(ctx, instance.port), ...instance.planned.env },
  });
}
