import { loadConfig, platformSchema } from '@meshway/config';
import { createLogger } from '@meshway/logging';
import { RegistryError } from './registry.errors.js';
import { startRegistry } from './registry.server.js';

/**
 * `npm run serve -w @meshway/registry`: reads REGISTRY_* from the environment (via @meshway/config),
 * starts the registry, prints one banner line, and stops cleanly on SIGINT/SIGTERM.
 */
async function main(): Promise<void> {
  const config = loadConfig(platformSchema);
  const logger = createLogger({ service: 'registry', level: config.LOG_LEVEL });
  const registry = await startRegistry({
    port: config.REGISTRY_PORT,
    host: config.REGISTRY_HOST,
    dataDir: config.REGISTRY_DATA_DIR,
    logger,
    ...(config.REGISTRY_ACL_TOKEN === undefined ? {} : { aclToken: config.REGISTRY_ACL_TOKEN }),
  });
  const acl = config.REGISTRY_ACL_TOKEN === undefined ? 'ACL off: open to anyone on this machine, bound to loopback only' : 'ACL on: every request needs the token';
  logger.info(
    { url: registry.url, dataDir: config.REGISTRY_DATA_DIR, node: registry.node.name, index: registry.state.lastIndex, recoveredFrom: registry.recoveredFrom },
    `registry listening on ${registry.url} (${acl}); services: ${registry.url}/v1/catalog/services, dashboard: ${registry.url}/ui`,
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'registry stopping');
    void registry.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ error: String(error) }, 'registry did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
}

main().catch((error: unknown) => {
  const code = error instanceof RegistryError ? `${error.code}: ` : '';
  process.stderr.write(`registry failed to start: ${code}${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
