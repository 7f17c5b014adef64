import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { DynamicModule, LoggerService, LogLevel, NestApplicationOptions, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

/** Options of {@link startNestApp}. */
export interface StartNestAppOptions {
  /** `false` silences Nest; a level list or a LoggerService replaces it. Default: errors and warnings only. */
  logger?: false | LogLevel[] | LoggerService;
  /** Runs after the app is created and before it listens (global pipes, `useLogger`, Fastify plugins…). */
  configure?(app: NestFastifyApplication): void | Promise<void>;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
}

export interface StartedNestApp {
  app: NestFastifyApplication;
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  port: number;
  /** Closes the app (runs Nest shutdown hooks); safe to call twice. */
  close(): Promise<void>;
}

/**
 * Boots `module` on the Fastify adapter, listening on port 0, and tells where it listens.
 * Boot errors reject (Nest's abort-on-error is off) and leave nothing running.
 */
export async function startNestApp(module: Type<unknown> | DynamicModule, options: StartNestAppOptions = {}): Promise<StartedNestApp> {
  const host = options.host ?? '127.0.0.1';
  // Nest declares its options as a class; Readonly<> says only the literal's fields matter.
  const nestOptions: Readonly<NestApplicationOptions> = { logger: options.logger ?? ['error', 'warn'], abortOnError: false };
  const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), nestOptions);
  try {
    await options.configure?.(app);
    await app.listen(0, host);
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    app,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () => (closing ??= app.close()),
  };
}
