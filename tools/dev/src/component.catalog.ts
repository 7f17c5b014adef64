import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { DevError, DevErrorCode } from './dev.errors.js';

export type ComponentRole = 'registry' | 'service' | 'gateway';
export type ServiceTransport = 'http' | 'nats';

/** A startable app, from `apps/<dir>/package.json` → `"meshway": { "role": …, "transport": …, "entry": … }`. */
export interface Component {
  /** The app's folder name; what `--only` and `--replicas` refer to. */
  readonly name: string;
  readonly dir: string;
  readonly role: ComponentRole;
  /** Services only: how callers reach it (default `http`). */
  readonly transport?: ServiceTransport;
  /** Absolute path of the file node runs (default `src/main.ts`). */
  readonly entry: string;
}

/** An app folder that will not start, and why (shown in the banner). */
export interface SkippedApp {
  readonly name: string;
  readonly reason: string;
}

export interface ComponentCatalog {
  readonly appsDir: string;
  readonly components: readonly Component[];
  readonly skipped: readonly SkippedApp[];
}

export const ROLES: readonly ComponentRole[] = ['registry', 'service', 'gateway'];
const TRANSPORTS: readonly ServiceTransport[] = ['http', 'nats'];
const DEFAULT_ENTRY = 'src/main.ts';

/**
 * Reads every `<appsDir>/<dir>/package.json`. Folders without a package.json are ignored; apps without a
 * `"meshway"` field or without their entry file yet are listed as skipped; a malformed field throws
 * `MESHWAY_DEV_BAD_MANIFEST` naming the file, the field, the value and what is allowed.
 */
export function readCatalog(appsDir: string): ComponentCatalog {
  if (!existsSync(appsDir)) {
    throw new DevError(DevErrorCode.BadOptions, `appsDir "${appsDir}" does not exist: expected a folder of apps.`);
  }
  const components: Component[] = [];
  const skipped: SkippedApp[] = [];
  const dirs = readdirSync(appsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const name of dirs) {
    const dir = join(appsDir, name);
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const found = readComponent(name, dir, manifest);
    if ('reason' in found) skipped.push(found);
    else components.push(found);
  }
  checkSingleRole(components, 'registry');
  checkSingleRole(components, 'gateway');
  return { appsDir, components, skipped };
}

function readComponent(name: string, dir: string, manifest: string): Component | SkippedApp {
  const field = readMeshwayField(manifest);
  if (field === undefined) return { name, reason: `${shortPath(manifest)} has no "meshway" field` };
  const role = field.role;
  if (typeof role !== 'string' || !ROLES.includes(role as ComponentRole)) {
    throw badField(manifest, 'meshway.role', role, ROLES.map((r) => `"${r}"`).join(' | '));
  }
  const entryField = field.entry ?? DEFAULT_ENTRY;
  if (typeof entryField !== 'string' || entryField.trim() === '') {
    throw badField(manifest, 'meshway.entry', entryField, 'a path to the main file, relative to the app folder');
  }
  const transport = role === 'service' ? serviceTransport(manifest, field.transport) : undefined;
  const entry = resolve(dir, entryField);
  if (!existsSync(entry)) return { name, reason: `${shortPath(entry)} does not exist yet` };
  return { name, dir, role: role as ComponentRole, entry, ...(transport === undefined ? {} : { transport }) };
}

function readMeshwayField(manifest: string): Record<string, unknown> | undefined {
  let pkg: unknown;
  try {
    pkg = JSON.parse(readFileSync(manifest, 'utf8'));
  } catch (error) {
    throw new DevError(DevErrorCode.BadManifest, `${shortPath(manifest)} is not valid JSON: ${(error as Error).message}`, {}, { cause: error });
  }
  const field = (pkg as { meshway?: unknown } | null)?.meshway;
  if (field === undefined) return undefined;
  if (typeof field !== 'object' || field === null || Array.isArray(field)) {
    throw badField(manifest, 'meshway', field, 'an object like { "role": "service", "transport": "http" }');
  }
  return field as Record<string, unknown>;
}

function serviceTransport(manifest: string, value: unknown): ServiceTransport {
  if (value === undefined) return 'http';
  if (typeof value === 'string' && TRANSPORTS.includes(value as ServiceTransport)) return value as ServiceTransport;
  throw badField(manifest, 'meshway.transport', value, TRANSPORTS.map((t) => `"${t}"`).join(' | '));
}

function checkSingleRole(components: readonly Component[], role: ComponentRole): void {
  const claimants = components.filter((c) => c.role === role).map((c) => c.name);
  if (claimants.length > 1) {
    throw new DevError(DevErrorCode.BadManifest, `apps ${claimants.join(', ')} all claim meshway.role "${role}": only one app may.`);
  }
}

function badField(manifest: string, field: string, value: unknown, allowed: string): DevError {
  return new DevError(DevErrorCode.BadManifest, `${shortPath(manifest)}: ${field} is ${value === undefined ? 'missing' : JSON.stringify(value)}; expected ${allowed}.`);
}

/** A path relative to the working directory when inside it (shorter in messages), else absolute. */
export function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}
