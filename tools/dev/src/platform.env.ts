import { isAbsolute, resolve } from 'node:path';
import { DevError, DevErrorCode } from './dev.errors.js';

export type TransportMode = 'auto' | 'http' | 'nats';

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
  readonly transport: TransportMode;
}

const TRANSPORTS: readonly TransportMode[] = ['auto', 'http', 'nats'];

/**
 * Resolves the env contract: REGISTRY_PORT, REGISTRY_DATA_DIR (made absolute against `rootDir`),
 * GATEWAY_PORT, GATEWAY_ADMIN_PORT, CONSUL_HTTP_ADDR (from REGISTRY_PORT), CONSUL_HTTP_TOKEN (only if
 * set), NATS_URL, MESHWAY_TRANSPORT, LOG_LEVEL. Throws `MESHWAY_DEV_BAD_ENV` naming the variable.
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
  const dataDir = pick('REGISTRY_DATA_DIR');
  const token = nonBlank(parent.CONSUL_HTTP_TOKEN);
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
  };
  return { vars, registryPort, gatewayPort, gatewayAdminPort, natsUrl: pick('NATS_URL'), transport };
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
  const mode = value.toLowerCase();
  if (!TRANSPORTS.includes(mode as TransportMode)) {
    throw new DevError(DevErrorCode.BadEnv, `MESHWAY_TRANSPORT="${value}" is not valid: expected one of ${TRANSPORTS.join(', ')}.`);
  }
  return mode as TransportMode;
}
