import type { ServerOptions } from 'node:https';
import type { SecureContextOptions } from 'node:tls';
import { Logger } from '@nestjs/common';
import { errorMessage } from '@meshway/errors';
import { ReloadingTls } from '@meshway/tls';
import type { ServiceTls } from './service-tls.config.js';

/** What a TLS server needs to take a renewed identity (`https.Server` has it). */
export interface SecureServer {
  setSecureContext(options: SecureContextOptions): void;
}

/**
 * The TLS side of a service's HTTP listener: the identity loaded from `SERVICE_TLS_*` before the listener exists (Fastify
 * takes its `https` options at construction), then followed on disk — a renewed certificate, key or client CA goes to
 * `setSecureContext` for new connections, and unusable new files are logged while the current identity stays.
 */
export class ServiceTlsListener {
  private server: SecureServer | undefined;

  private constructor(
    private readonly reloading: ReloadingTls,
    /** For Fastify's `https` option: the identity, and whether a client certificate from the CA is required. */
    readonly serverOptions: ServerOptions,
    readonly tls: ServiceTls,
  ) {}

  /** Loads the files (throws MESHWAY_TLS_INVALID_FILES naming them when unusable) and starts following them. */
  static async start(tls: ServiceTls, service: string): Promise<ServiceTlsListener> {
    const log = new Logger(service);
    const holder: { listener?: ServiceTlsListener } = {};
    const reloading = new ReloadingTls({
      files: { certFile: tls.certFile, keyFile: tls.keyFile, ...(tls.caFile === undefined ? {} : { caFile: tls.caFile }) },
      onReload: (context) => {
        holder.listener?.server?.setSecureContext(context);
        log.log(`TLS identity reloaded from ${tls.certFile}`);
      },
      onError: (error) => {
        log.warn(`new TLS files rejected; the current identity stays: ${errorMessage(error)}`);
      },
    });
    const context = await reloading.start();
    // rejectUnauthorized on a server means: refuse the handshake unless the client's certificate verifies against `ca`.
    const serverOptions: ServerOptions = { ...context, requestCert: tls.requireClientCert, rejectUnauthorized: tls.requireClientCert };
    holder.listener = new ServiceTlsListener(reloading, serverOptions, tls);
    return holder.listener;
  }

  /** The listener's server, to hand renewed identities to. */
  attach(server: SecureServer): void {
    this.server = server;
  }

  /** For the start line. */
  describe(): string {
    return this.tls.requireClientCert ? 'TLS, client certificates required' : 'TLS';
  }

  stop(): void {
    this.reloading.stop();
  }
}
