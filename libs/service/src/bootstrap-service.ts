import type { AddressInfo } from 'node:net';
import { Logger as NestLogger, type NestApplicationOptions, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type NatsOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, serviceSchema, type ServiceConfig } from '@meshway/config';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { MESHWAY_CONFIG } from '@meshway/config/nest';
import { Logger } from '@meshway/logging';
import { MESH_HEADERS } from '@meshway/transport';
import { toApiError } from './api-error.filter.js';
import { HealthChecks } from './health.checks.js';
import { HttpRpcServer } from './http-rpc.server.js';
import { natsReadinessCheck } from './nats-readiness.check.js';
import { serveOpenApi } from './openapi.document.js';
import { ServiceError, ServiceErrorCode } from './service.errors.js';
import { serviceTlsOf } from './service-tls.config.js';
import { ServiceTlsListener, type SecureServer } from './service-tls.listener.js';
import { resolveServiceOptions, type ResolvedServiceOptions, type ServiceOptions } from './service.options.js';
import type { ServiceIdentity } from './service.identity.js';
import { SERVICE_IDENTITY, SERVICE_OPTIONS, SERVICE_TRANSPORT } from './service.tokens.js';
import type { TransportDecision } from './transport.decision.js';

/** A started service. `close()` drains HTTP and NATS and runs Nest's shutdown hooks; calling it twice is harmless. */
export interface RunningService {
  readonly app: NestFastifyApplication;
  /** `http://host:port` of the HTTP listener (health, info, HTTP routes); `https://` when it speaks TLS (`SERVICE_TLS_*`). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A shutdown that takes longer than this is stuck; the process exits 1 rather than hang. */
const SHUTDOWN_TIMEOUT_MS = 10_000;
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

function moduleOptions(app: NestFastifyApplication, options: ResolvedServiceOptions): ResolvedServiceOptions {
  let fromModule: ResolvedServiceOptions;
  try {
    fromModule = app.get<unknown, ResolvedServiceOptions>(SERVICE_OPTIONS, { strict: false });
  } catch (error) {
    throw new ServiceError(ServiceErrorCode.ModuleMissing, `${options.name}: the app module must import MeshwayServiceModule.forRoot(...)`, { cause: error });
  }
  if (fromModule.name !== options.name || fromModule.transport !== options.transport) {
    const given = `${options.name}/${options.transport}`;
    const declared = `${fromModule.name}/${fromModule.transport}`;
    throw new ServiceError(ServiceErrorCode.InvalidOptions, `bootstrapService was given ${given} but MeshwayServiceModule.forRoot declares ${declared}; pass the same options to both`);
  }
  return fromModule;
}

async function connectNats(app: NestFastifyApplication, options: ResolvedServiceOptions, config: ServiceConfig): Promise<() => void> {
  const microservice = app.connectMicroservice<NatsOptions>(
    // Reconnect forever: NATS restarts must not take the service down; /health reports 503 meanwhile.
    { transport: Transport.NATS, options: { servers: [...config.NATS_URL], queue: options.name, name: options.name, maxReconnectAttempts: -1 } },
    { inheritAppConfig: true },
  );
  const readiness = natsReadinessCheck(microservice.status, config.NATS_URL);
  const remove = app.get(HealthChecks, { strict: false }).add('nats', readiness.check);
  try {
    await app.startAllMicroservices();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ServiceError(ServiceErrorCode.NatsUnavailable, `${options.name} could not connect to NATS at ${config.NATS_URL.join(',')}: ${why}`, { cause: error });
  }
  return () => {
    readiness.stop();
    remove();
  };
}

/** No NATS this run: the same handlers answer over HTTP on the app's own listener (see {@link HttpRpcServer}). */
async function serveOverHttp(app: NestFastifyApplication, options: ResolvedServiceOptions): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const strategy = new HttpRpcServer({ fastify, service: options.name, routes: options.routes, ...(options.stripPrefix === undefined ? {} : { stripPrefix: options.stripPrefix }) });
  app.connectMicroservice({ strategy }, { inheritAppConfig: true });
  await app.startAllMicroservices();
}

function urlOf(app: NestFastifyApplication, scheme: 'http' | 'https'): { url: string; port: number } {
  const address = app.getHttpServer().address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `${scheme}://${host}:${address.port}`, port: address.port };
}

/** SIGTERM/SIGINT → graceful close, exit 0. Nest's own `enableShutdownHooks` re-raises the signal (exit 143), so we handle it here. */
function exitOnSignals(close: () => Promise<void>, log: NestLogger): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    log.log(`${signal} received: closing`);
    setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  for (const signal of SIGNALS) process.once(signal, onSignal);
  return () => {
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  };
}

/** Every response names the instance that answered, so callers (and balancing tests) can tell instances apart. */
function tagResponses(app: NestFastifyApplication): void {
  const identity = app.get<unknown, ServiceIdentity>(SERVICE_IDENTITY, { strict: false });
  app.getHttpAdapter().getInstance().addHook('onRequest', (_request, reply, done) => {
    void reply.header(MESH_HEADERS.instance, identity.instance);
    done();
  });
}

/** Fastify rejects some requests before Nest sees them (a malformed URL): answer those in the same error shape. */
function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const apiError = toApiError(error);
  void reply.code(apiError.status).send(apiError.toBody());
}

function startLine(options: ResolvedServiceOptions, transport: TransportDecision, config: ServiceConfig, url: string, tls: ServiceTlsListener | undefined): string {
  const how =
    transport.served === 'nats'
      ? `nats at ${config.NATS_URL.join(',')}`
      : transport.declared === 'nats'
        ? `http — NATS handlers served over HTTP; ${transport.reason}`
        : 'http';
  return `${options.name} listening on ${url} (transport: ${how}${tls ? `; ${tls.describe()}` : ''})`;
}

/**
 * Starts a Meshway service: Nest on Fastify with the pino logger, listening on `PORT`/`HOST` from config
 * (PORT 0 → a free port). A `transport: 'nats'` service serving NATS this run (`MESHWAY_TRANSPORT=nats`, or `auto` with
 * NATS answering) also gets a Nest NATS microservice on `NATS_URL`, queue group = name, and fails with
 * MESHWAY_SERVICE_NATS_UNAVAILABLE when NATS does not answer; serving HTTP, it answers the same handlers over HTTP
 * ({@link HttpRpcServer}). Fails with the config error on bad env.
 */
export async function bootstrapService(appModule: Type<unknown>, options: ServiceOptions): Promise<RunningService> {
  const given = resolveServiceOptions(options);
  // Boot errors reject (no process.abort()); logs wait for the pino logger.
  const nestOptions: Readonly<NestApplicationOptions> = { bufferLogs: true, abortOnError: false };
  // Fastify takes its TLS options when made, before Nest (and its ConfigModule) exists: read SERVICE_TLS_* here.
  const tlsSettings = serviceTlsOf(loadConfig(serviceSchema));
  const tls = tlsSettings === undefined ? undefined : await ServiceTlsListener.start(tlsSettings, given.name);
  // Path parameters up to 500 characters, as the gateway routes them.
  const adapter = new FastifyAdapter({ frameworkErrors, routerOptions: { maxParamLength: 500 }, ...(tls ? { https: tls.serverOptions } : {}) });
  const app = await NestFactory.create<NestFastifyApplication>(appModule, adapter, nestOptions).catch((error: unknown) => {
    tls?.stop();
    throw error;
  });
  tls?.attach(app.getHttpServer() as unknown as SecureServer); // an https.Server: Fastify was given `https`
  let stopNats = (): void => undefined;
  try {
    const resolved = moduleOptions(app, given);
    app.useLogger(app.get(Logger));
    tagResponses(app);
    serveOpenApi(app, app.getHttpAdapter().getInstance(), resolved);
    const config = app.get<unknown, ServiceConfig>(MESHWAY_CONFIG, { strict: false });
    const transport = app.get<unknown, TransportDecision>(SERVICE_TRANSPORT, { strict: false });
    if (transport.served === 'nats') stopNats = await connectNats(app, resolved, config);
    else if (resolved.transport === 'nats') await serveOverHttp(app, resolved);
    await app.listen(config.PORT, config.HOST);
    const { url, port } = urlOf(app, tls ? 'https' : 'http');
    const log = new NestLogger(resolved.name);
    log.log(startLine(resolved, transport, config, url, tls));
    let removeSignalHandlers = (): void => undefined;
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> =>
      (closing ??= app.close().finally(() => {
        stopNats();
        tls?.stop();
        removeSignalHandlers();
      }));
    removeSignalHandlers = exitOnSignals(close, log);
    return { app, url, port, close };
  } catch (error) {
    stopNats();
    tls?.stop();
    await app.close().catch(() => undefined);
    throw error;
  }
}
