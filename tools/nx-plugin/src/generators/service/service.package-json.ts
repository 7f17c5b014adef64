import { BUILD_SCRIPT, dependencies } from '../dependency.ranges.js';
import type { ServiceEvents, ServiceTransport } from './service.schema.js';

/** package.json of a generated service; `meshway.role` is how `npm start` finds it. */
export function servicePackageJson(name: string, transport: ServiceTransport, events: ServiceEvents = 'none'): Record<string, unknown> {
  const nats = transport === 'nats';
  return {
    name: `@meshway/${name}`,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      serve: 'node --conditions=@meshway/source --import @swc-node/register/esm-register src/main.ts',
      build: BUILD_SCRIPT,
      test: 'vitest run',
    },
    dependencies: dependencies([
      '@meshway/service',
      '@nestjs/common',
      '@nestjs/core',
      'reflect-metadata',
      'rxjs',
      'zod',
      ...(nats ? (['@meshway/transport', '@nestjs/microservices', '@nats-io/transport-node'] as const) : []),
      ...(events === 'none' ? [] : (['@meshway/config', '@meshway/events'] as const)),
    ]),
    devDependencies: dependencies(['@meshway/testing']),
    nx: { tags: ['type:app'] },
    meshway: { role: 'service', transport },
  };
}
