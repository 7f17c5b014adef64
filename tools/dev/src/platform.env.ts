import { isAbsolute, resolve } from 'node:path';
import { parseNatsServer, TRANSPORT_MODES, type TransportMode } from '@meshway/transport';
import type { ServiceTransport } from './component.catalog.js';
import { DevError, DevErrorCode } from './dev.errors.js';

export type { TransportMode };

/** Defaults of the environment contract every child receives. A value in the parent env wins. */
export const PLATFORM_ENV_DEFAULTS = {
  REGISTRY_PORT: '8500',
  REGISTRY_DATA_DIR: '.meshway/registry',
  GATEWAY_PORT: '8080',
  GATEWAY_ADMIN_PORT: '8081',
  NATS_URL: 'nats://127.0.0.1:4222',
  MESHWAY_TRANSPORT: 'auto',
  LOG_LEVEL: 'info',
} as const;

/** The platform's shared settings, read from the parent env with the defaults above. */
export interface PlatformEnv {
  /** Variables given to every child, on top of the parent env. */
  readonly vars: Readonly<Record<string, string>>;
  readonly registryPort: number;
  readonly gatewayPort: number;
  readonly gatewayAdminPort: number;
  readonly natsUrl: string;
  /** NATS_URL as a list, each entry checked. */
  readonly natsServers: readonly string[];
  /** MESHWAY_TRANSPORT as asked; children get the decided `http` or `nats` (see {@link withDecidedTransport}). */
  readonly transport: TransportMode;
}

/** Schemes a NATS client accepts (the same list as the services' config). */
const NATS_SCHEMES = ['nats:', 'tls:', 'ws:', 'wss:'];

/**
 * Resolves the env contract: REGISTRY_PORT, REGISTRY_DATA_DIR (made absolute against `rootDir`),
 * GATEWAY_PORT, GATEWAY_ADMIN_PORT, CONSUL_HTTP_ADDR (from REGISTRY_PORT), CONSUL_HTTP_TOKEN (only if
 * set), GATEWAY_ADMIN_TOKEN (only if set; see `withAdminToken`), NATS_URL, MESHWAY_TRANSPORT, LOG_LEVEL. Throws `MESHWAY_DEV_BAD_ENV` naming the variable.
 */
export function resolvePlatformEnv(parent: NodeJS.ProcessEnv, rootDir: string): PlatformEnv {
  const pick = (name: keyof typeof PLATFORM_ENV_DEFAULTS): string => nonBlank(parent[name]) ?? PLATFORM_ENV_DEFAULTS[name];
  const registryPort = port('REGISTRY_PORT', pick('REGISTRY_PORT'));
  const gatewayPort = port('GATEWAY_PORT', pick('GATEWAY_PORT'));
  const gatewayAdminPort = port('GATEWAY_ADMIN_PORT', pick('GATEWAY_ADMIN_PORT'));
  if (gatewayPort === gatewayAdminPort) {
    throw new DevError(DevErrorCode.BadEnv, `GATEWAY_PORT and GATEWAY_ADMIN_PORT are both ${gatewayPort}: they must differ.`);
  }
  const transport = transportMode(pick('MESHWAY_TRANSPORT'));
  const natsServers = parseNatsUrl(pick('NATS_URL'));
  const dataDir = pick('REGISTRY_DATA_DIR');
  const token = nonBlank(parent.CONSUL_HTTP_TOKEN);
  const adminToken = nonBlank(parent.GATEWAY_ADMIN_TOKEN);
  const vars: Record<string, string> = {
    REGISTRY_PORT: String(registryPort),
    REGISTRY_DATA_DIR: isAbsolute(dataDir) ? dataDir : resolve(rootDir, dataDir),
    GATEWAY_PORT: String(gatewayPort),
    GATEWAY_ADMIN_PORT: String(gatewayAdminPort),
    CONSUL_HTTP_ADDR: nonBlank(parent.CONSUL_HTTP_ADDR) ?? `http://127.0.0.1:${registryPort}`,
    NATS_URL: pick('NATS_URL'),
    MESHWAY_TRANSPORT: transport,
    LOG_LEVEL: pick('LOG_LEVEL'),
    ...(token === undefined ? {} : { CONSUL_HTTP_TOKEN: token }),
    ...(adminToken === undefined ? {} : { GATEWAY_ADMIN_TOKEN: adminToken }),
  };
  return { vars, registryPort, gatewayPort, gatewayAdminPort, natsUrl: pick('NATS_URL'), natsServers, transport };
}

/** The env every child gets once `npm start` has decided: MESHWAY_TRANSPORT is `http` or `nats`, never `auto`. */
export function withDecidedTransport(env: PlatformEnv, transport: ServiceTransport): PlatformEnv {
  return { ...env, vars: { ...env.vars, MESHWAY_TRANSPORT: transport } };
}

function nonBlank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function port(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65_535) {
    throw new DevError(DevErrorCode.BadEnv, `${name}="${value}" is not a port: expected an integer from 1 to 65535.`);
  }
  return n;
}

function transportMode(value: string): TransportMode {
  const mode = TRANSPORT_MODES.find((m) => m === value.toLowerCase());
  if (mode === undefined) {
    throw new DevError(DevErrorCode.BadEnv, `MESHWAY_TRANSPORT="${value}" is not valid: expected one of ${TRANSPORT_MODES.join(', ')}.`);
  }
  return mode;
}

/** `nats://a:4222,b:4223` → each server, checked the way `@meshway/transport` reads them (scheme optional). */
function parseNatsUrl(natsUrl: string): string[] {
  return natsUrl.split(',').map((raw) => {
    const item = raw.trim();
    const scheme = /^([a-z][a-z0-9+.-]*:)\/\//i.exec(item)?.[1]?.toLowerCase();
    let valid = item !== '' && (scheme === undefined || NATS_SCHEMES.includes(scheme));
    try {
      if (valid) parseNatsServer(item);
    } catch {
      valid = false;
    }
    if (!valid) throw new DevError(DevErrorCode.BadEnv, `NATS_URL="${natsUrl}": "${item}" is not a NATS server: expected nats://host:port, comma-separated.`);
    return item;
  });
}
