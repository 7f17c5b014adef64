import { shortPath, type Component, type ComponentCatalog, type ComponentRole, type SkippedApp } from './component.catalog.js';
import { DevError, DevErrorCode } from './dev.errors.js';

/** One process to run: a component, or one replica of a service (`users#2`). */
export interface PlannedInstance {
  readonly name: string;
  readonly component: Component;
  /** Env of this instance only, over the platform's (a canary's SERVICE_VERSION). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface StartStage {
  readonly role: ComponentRole;
  readonly instances: readonly PlannedInstance[];
}

/** Stages in start order (registry → services → gateway), plus what will not start and why. */
export interface StartPlan {
  readonly stages: readonly StartStage[];
  readonly notes: readonly SkippedApp[];
}

export interface PlanRequest {
  readonly only?: readonly string[];
  readonly replicas?: Readonly<Record<string, number>>;
  /** One more instance of a service, `users@2.0.0`, announcing that version: `{ users: '2.0.0' }`. */
  readonly canary?: Readonly<Record<string, string>>;
}

const STAGE_ORDER: readonly ComponentRole[] = ['registry', 'service', 'gateway'];

/**
 * Chooses what to start. Unknown names in `only`/`replicas` throw `MESHWAY_DEV_UNKNOWN_COMPONENT` listing the
 * valid names; replicas are for services only (the registry and gateway own fixed ports).
 */
export function planStart(catalog: ComponentCatalog, request: PlanRequest = {}): StartPlan {
  const replicas = request.replicas ?? {};
  const canary = request.canary ?? {};
  const only = request.only;
  for (const name of [...(only ?? []), ...Object.keys(replicas), ...Object.keys(canary)]) findComponent(catalog, name);
  const selected = catalog.components.filter((c) => only === undefined || only.includes(c.name));
  checkReplicas(selected, replicas);
  checkCanaries(selected, canary);
  const stages = STAGE_ORDER.map((role) => ({
    role,
    instances: selected.filter((c) => c.role === role).flatMap((c) => [...instancesOf(c, replicas[c.name] ?? 1), ...canaryOf(c, canary[c.name])]),
  })).filter((stage) => stage.instances.length > 0);
  if (stages.length === 0) {
    const why = notesFor(catalog, only).map((n) => `${n.name}: ${n.reason}`).join('; ');
    throw new DevError(DevErrorCode.NothingToStart, `Nothing to start in ${shortPath(catalog.appsDir)} (${why}).`);
  }
  return { stages, notes: notesFor(catalog, only) };
}

function instancesOf(component: Component, count: number): PlannedInstance[] {
  if (count === 1) return [{ name: component.name, component }];
  return Array.from({ length: count }, (_, i) => ({ name: `${component.name}#${i + 1}`, component }));
}

/** The canary instance: same app, its own name and port, `SERVICE_VERSION` set (the gateway's releases select by it). */
function canaryOf(component: Component, version: string | undefined): PlannedInstance[] {
  return version === undefined ? [] : [{ name: `${component.name}@${version}`, component, env: { SERVICE_VERSION: version } }];
}

function checkCanaries(selected: readonly Component[], canary: Readonly<Record<string, string>>): void {
  for (const [name, version] of Object.entries(canary)) {
    const component = selected.find((c) => c.name === name);
    if (!component) throw new DevError(DevErrorCode.UnknownComponent, `--canary ${name}=${version}: "${name}" is not started (excluded by --only).`);
    if (component.role !== 'service') throw new DevError(DevErrorCode.BadArgs, `--canary ${name}=${version}: "${name}" is the ${component.role}; canaries are for services.`);
  }
}

function findComponent(catalog: ComponentCatalog, name: string): Component {
  const component = catalog.components.find((c) => c.name === name);
  if (component) return component;
  const skipped = catalog.skipped.find((s) => s.name === name);
  const valid = catalog.components.map((c) => c.name).join(', ') || '(none)';
  const why = skipped ? `"${name}" cannot start: ${skipped.reason}` : `unknown component "${name}"`;
  throw new DevError(DevErrorCode.UnknownComponent, `${why}. Valid names: ${valid}.`);
}

function checkReplicas(selected: readonly Component[], replicas: Readonly<Record<string, number>>): void {
  for (const [name, count] of Object.entries(replicas)) {
    const component = selected.find((c) => c.name === name);
    if (!component) {
      throw new DevError(DevErrorCode.UnknownComponent, `--replicas ${name}=${count}: "${name}" is not started (excluded by --only).`);
    }
    if (component.role !== 'service' && count !== 1) {
      throw new DevError(DevErrorCode.BadArgs, `--replicas ${name}=${count}: "${name}" is the ${component.role}, which runs once on its fixed port; replicas are for services.`);
    }
  }
}

function notesFor(catalog: ComponentCatalog, only: readonly string[] | undefined): SkippedApp[] {
  const notes: SkippedApp[] = [];
  for (const role of ['registry', 'service', 'gateway'] as const) {
    // An app folder named like the role but not startable yet explains itself through its skip reason.
    const named = role === 'service' ? 'services' : role;
    if (!catalog.components.some((c) => c.role === role) && !catalog.skipped.some((s) => s.name === named)) {
      notes.push({ name: named, reason: `no app in ${shortPath(catalog.appsDir)} has meshway.role "${role}"` });
    }
  }
  for (const component of catalog.components) {
    if (only !== undefined && !only.includes(component.name)) notes.push({ name: component.name, reason: 'not in --only' });
  }
  const rank = (name: string): number => ['registry', 'services', 'gateway'].indexOf(name) >>> 0; // -1 → last
  return [...notes, ...catalog.skipped].sort((a, b) => rank(a.name) - rank(b.name));
}
