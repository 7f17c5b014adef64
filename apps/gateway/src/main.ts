import 'reflect-metadata';
import { ConsulDiscovery, ConsulKv, MemoryKv, StaticDiscovery, type DiscoverySource, type KeyValueStore } from '@meshway/discovery';
import { createLogger } from '@meshway/logging';
import { detectTransport } from '@meshway/transport';
import { loadGatewayConfig, securityOf, tlsOf, upstreamTlsOf, type GatewayConfig } from './config/gateway.config.js';
import { parseStaticUpstreams } from './config/static-upstreams.parser.js';
import type { GatewayLogger } from './gateway.logger.js';
import { startGateway } from './start-gateway.js';

/** Discovery and the shared configuration store: the registry (or Consul) for both, or a fixed list and process memory. */
function registryFor(config: GatewayConfig, logger: GatewayLogger): { discovery: DiscoverySource; kv: KeyValueStore } {
  if (config.GATEWAY_DISCOVERY === 'static') return { discovery: new StaticDiscovery(parseStaticUpstreams(config.GATEWAY_STATIC_UPSTREAMS ?? '')), kv: new MemoryKv() };
  const connection = { addr: config.CONSUL_HTTP_ADDR, ...(config.CONSUL_HTTP_TOKEN ? { token: config.CONSUL_HTTP_TOKEN } : {}), logger };
  return { discovery: new ConsulDiscovery(connection), kv: new ConsulKv(connection) };
}

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const tls = tlsOf(config);
  const upstreamTls = upstreamTlsOf(config);
  const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
  // MESHWAY_TRANSPORT=auto: NATS where it answers, else HTTP only (NATS routes then answer 503 MESHWAY_NATS_UNAVAILABLE).
  const transport = await detectTransport({ mode: config.MESHWAY_TRANSPORT, natsServers: config.NATS_URL });
  logger.info({ transport: transport.transport }, `gateway: transport ${transport.reason}`);
  const { discovery, kv } = registryFor(config, logger);
  const gateway = await startGateway({
    discovery,
    kv,
    port: config.GATEWAY_PORT,
    adminPort: config.GATEWAY_ADMIN_PORT,
    host: config.GATEWAY_HOST,
    adminHost: config.GATEWAY_ADMIN_HOST,
    ...(config.GATEWAY_ADMIN_TOKEN ? { adminToken: config.GATEWAY_ADMIN_TOKEN } : {}),
    ...(tls ? { tls } : {}),
    ...(upstreamTls ? { upstreamTls: { default: upstreamTls } } : {}),
    ...(config.GATEWAY_ROUTES_FILE ? { routesFile: config.GATEWAY_ROUTES_FILE } : {}),
    ...(transport.transport === 'http' ? {} : { nats: { servers: config.NATS_URL, required: config.MESHWAY_TRANSPORT === 'nats' } }),
    defaults: { timeoutMs: config.GATEWAY_DEFAULT_TIMEOUT_MS, bodyLimitBytes: config.GATEWAY_BODY_LIMIT_BYTES },
    security: securityOf(config),
    drainTimeoutMs: config.GATEWAY_DRAIN_TIMEOUT_MS,
    logger,
  });
  logger.info({ url: gateway.url, tlsUrl: gateway.tlsUrl, adminUrl: gateway.adminUrl, discovery: config.GATEWAY_DISCOVERY }, `gateway: listening on ${gateway.url}${gateway.tlsUrl ? ` and ${gateway.tlsUrl}` : ''} (admin ${gateway.adminUrl})`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'gateway: draining');
    void gateway
      .close()
      .then(() => Promise.all([discovery.close(), kv.close()]))
      .then(() => process.exit(0), (error: unknown) => {
        logger.error({ err: error }, 'gateway: shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => { stop('SIGTERM'); });
  process.once('SIGINT', () => { stop('SIGINT'); });
}

main().catch((error: unknown) => {
  // Boot errors (bad config, bad routes file, port taken) name the problem; no stack needed for those.
  const coded = error as { code?: string; message?: string };
  process.stderr.write(`gateway: failed to start: ${coded.code ? `[${coded.code}] ` : ''}${coded.message ?? String(error)}\n`);
  process.exit(1);
});
