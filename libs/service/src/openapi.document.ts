import { Logger, type INestApplication } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { PATTERN_METADATA } from '@nestjs/microservices/constants.js';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { toApiError } from './api-error.filter.js';
import { PATTERN_DOC, type PatternDocOptions } from './pattern-doc.decorator.js';
import { patternPaths } from './pattern.paths.js';
import type { ResolvedServiceOptions } from './service.options.js';
import { zodSchemaConverter } from './zod-openapi.converter.js';

/** Where every Meshway service describes itself; the gateway reads it from one instance of each routed service. */
export const OPENAPI_PATH = '/openapi.json';

/** Each `@PatternDoc` of the app's controllers, by the `@MessagePattern` subjects of its handler. */
function patternDocs(app: INestApplication): Map<string, PatternDocOptions> {
  // Nest's DiscoveryService over the app's modules (no DiscoveryModule import needed for a one-off scan).
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const reflector = app.get(Reflector, { strict: false });
  const scanner = new MetadataScanner();
  const docs = new Map<string, PatternDocOptions>();
  for (const { metatype } of discovery.getControllers()) {
    const prototype = (metatype as { prototype?: Record<string, unknown> } | null)?.prototype;
    if (prototype === undefined) continue;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      if (typeof handler !== 'function') continue;
      const doc = reflector.get<PatternDocOptions | undefined>(PATTERN_DOC, handler);
      const patterns = Reflect.getMetadata(PATTERN_METADATA, handler) as readonly unknown[] | undefined;
      if (doc === undefined || patterns === undefined) continue;
      for (const pattern of patterns) if (typeof pattern === 'string') docs.set(pattern, doc);
    }
  }
  return docs;
}

/**
 * The service's OpenAPI 3.1 document: its HTTP controllers as @nestjs/swagger sees them (zod schemas through
 * `ZodBody`/`ApiZodResponse`), plus, for a NATS service, the routes it announces with their handlers' `@PatternDoc`.
 * `info` is the service's name and version. Paths are the service's own (what the gateway forwards, prefix stripped).
 */
export function serviceDocument(app: INestApplication, options: ResolvedServiceOptions): OpenAPIObject {
  const config = new DocumentBuilder().setOpenAPIVersion('3.1.0').setTitle(options.name).setVersion(options.version).build();
  const http = SwaggerModule.createDocument(app, config, { standardSchemaConverter: zodSchemaConverter });
  const nats = patternPaths(options.routes, options.stripPrefix, patternDocs(app));
  const paths: OpenAPIObject['paths'] = { ...http.paths };
  for (const [path, operations] of Object.entries(nats.paths)) paths[path] = { ...operations, ...paths[path] };
  const { description: _empty, contact: _none, ...info } = http.info;
  const { servers: _servers, ...rest } = http;
  return { ...rest, info, paths, components: { ...http.components, schemas: { ...nats.schemas, ...http.components?.schemas } } };
}

/**
 * Serves `GET /openapi.json` on the app's Fastify instance (registered before `listen`, like HTTP mode's routes). The
 * document is built once, when first asked (after boot, with every controller known); a document that cannot be built
 * is logged and answered 500 `INTERNAL_ERROR`, and the service keeps serving.
 */
export function serveOpenApi(app: INestApplication, fastify: FastifyInstance, options: ResolvedServiceOptions): void {
  let document: OpenAPIObject | undefined;
  fastify.get(OPENAPI_PATH, async (_request, reply) => {
    try {
      document ??= serviceDocument(app, options);
      return await reply.header('cache-control', 'no-cache').send(document);
    } catch (error) {
      new Logger(options.name).error(`${OPENAPI_PATH} could not be built: ${error instanceof Error ? error.message : String(error)}`);
      const apiError = toApiError(error);
      return reply.code(apiError.status).send(apiError.toBody());
    }
  });
}
