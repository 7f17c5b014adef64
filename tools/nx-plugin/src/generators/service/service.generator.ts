import { join } from 'node:path';
import { generateFiles, logger, names, writeJson, type GeneratorCallback, type Tree } from '@nx/devkit';
import { assertOneOf, assertProjectIsNew, assertProjectName } from '../project-name.validation.js';
import { servicePackageJson } from './service.package-json.js';
import { SERVICE_EVENTS, SERVICE_TRANSPORTS, type ServiceEvents, type ServiceGeneratorSchema, type ServiceTransport } from './service.schema.js';

export interface NormalizedServiceOptions {
  readonly name: string;
  readonly transport: ServiceTransport;
  readonly events: ServiceEvents;
  readonly directory: string;
  readonly packageName: string;
}

/** Validates everything before a file is written, so bad input leaves the workspace untouched. */
export function normalizeServiceOptions(tree: Tree, schema: ServiceGeneratorSchema): NormalizedServiceOptions {
  assertProjectName('service', schema.name);
  const transport: unknown = schema.transport ?? 'http';
  assertOneOf('transport', transport, SERVICE_TRANSPORTS);
  const events: unknown = schema.events ?? 'none';
  assertOneOf('events', events, SERVICE_EVENTS);
  if (events !== 'none' && transport !== 'nats') {
    throw new Error(`--events=${events} needs --transport=nats: events travel on NATS JetStream, which an HTTP service does not connect to.`);
  }
  const directory = `apps/${schema.name}`;
  const packageName = `@meshway/${schema.name}`;
  assertProjectIsNew(tree, directory, packageName);
  return { name: schema.name, transport, events, directory, packageName };
}

/** `nx g @meshway/nx:service <name> --transport=http|nats [--events=none|publish|consume]` → apps/<name>. */
export function serviceGenerator(tree: Tree, schema: ServiceGeneratorSchema): GeneratorCallback {
  const options = normalizeServiceOptions(tree, schema);
  const { className, constantName } = names(options.name);
  const substitutions = { ...options, className, constantName, tmpl: '' };
  const files = (folder: string): void => {
    generateFiles(tree, join(import.meta.dirname, 'files', folder), options.directory, substitutions);
  };
  files('common');
  files(options.transport);
  if (options.events !== 'none') files('events');
  if (options.events === 'consume') files('events-consume');
  writeJson(tree, `${options.directory}/package.json`, servicePackageJson(options.name, options.transport, options.events));
  return () => {
    const events = options.events === 'none' ? '' : `, events: ${options.events}`;
    logger.info(`Created ${options.directory} (${options.packageName}, transport ${options.transport}${events}).`);
    logger.info(`Next: npm install   (links ${options.packageName} into the workspace)`);
    logger.info(`Then: npx vitest run --project ${options.name}   |   npm run serve -w ${options.packageName}`);
  };
}

export default serviceGenerator;
