import type { NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { GatewayConfigError } from './gateway.errors.js';
import { Gateway } from './gateway.js';
import { GatewayModule } from './gateway.module.js';
import { resolveOptions, type GatewayOptions, type ResolvedGatewayOptions } from './gateway.options.js';

/** A started gateway. */
export interface RunningGateway {
  /** `http://host:port` of the public (proxy) listener. */
  readonly url: string;
  /** `http://host:port` of the admin API. */
  readonly adminUrl: string;
  /** `https://host:port` of the HTTPS listener, when TLS is on. */
  readonly tlsUrl: string | undefined;
  readonly gateway: Gateway;
  readonly app: NestFastifyApplication;
  /** Drains in-flight requests (up to `drainTimeoutMs`), then releases everything the gateway opened. */
  close(): Promise<void>;
}

async function connectNats(options: ResolvedGatewayOptions): Promise<NatsConnection | undefined> {
  if (!options.nats) return undefined;
  try {
    return await connect({ servers: [...options.nats.servers], name: 'meshway-gateway', maxReconnectAttempts: -1 });
  } catch (error) {
    const message = `Cannot connect to NATS at ${options.nats.servers.join(', ')}: ${(error as Error).message}`;
    if (options.nats.required) throw new GatewayConfigError(message, { cause: error });
    options.logger.warn({}, `gateway: ${message}; NATS routes will answer 503`);
    return undefined;
  }
}

function urlOf(host: string, port: number, scheme = 'http'): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `${scheme}://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

/**
 * Starts a gateway: validates options and routes (failing fast with the field named), connects NATS
 * when asked, opens the proxy port and the admin port. Port 0 picks free ports (tests).
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const resolved = resolveOptions(options);
  const nats = await connectNats(resolved);
  const gateway = new Gateway(resolved, nats);
  try {
    await gateway.loadConfig();
  } catch (error) {
    await gateway.close();
    throw error;
  }
  // Nest declares its options as a class; Readonly<> says only the literal's fields matter.
  const nestOptions: Readonly<NestApplicationOptions> = { logger: false, abortOnError: false };
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.register(gateway, resolved.adminToken), new FastifyAdapter(), nestOptions);
  try {
    await app.listen(resolved.adminPort, resolved.adminHost);
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  const adminAddress = app.getHttpServer().address() as { port: number };
  return {
    url: urlOf(resolved.host, gateway.port),
    adminUrl: urlOf(resolved.adminHost, adminAddress.port),
    tlsUrl: gateway.tlsPort === undefined ? undefined : urlOf(resolved.host, gateway.tlsPort, 'https'),
    gateway,
    app,
    close: () => app.close(),
  };
}
