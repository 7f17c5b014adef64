import { join } from 'node:path';
import { generateFiles, logger, names, writeJson, type GeneratorCallback, type Tree } from '@nx/devkit';
import { assertOneOf, assertProjectIsNew, assertProjectName } from '../project-name.validation.js';
import { servicePackageJson } from './service.package-json.js';
import { SERVICE_TRANSPORTS, type ServiceGeneratorSchema, type ServiceTransport } from './service.schema.js';

export interface NormalizedServiceOptions {
  readonly name: string;
  readonly transport: ServiceTransport;
  readonly directory: string;
  readonly packageName: string;
}

/** Validates everything before a file is written, so bad input leaves the workspace untouched. */
export function normalizeServiceOptions(tree: Tree, schema: ServiceGeneratorSchema): NormalizedServiceOptions {
  assertProjectName('service', schema.name);
  const transport: unknown = schema.transport ?? 'http';
  assertOneOf('transport', transport, SERVICE_TRANSPORTS);
  const directory = `apps/${schema.name}`;
  const packageName = `@meshway/${schema.name}`;
  assertProjectIsNew(tree, directory, packageName);
  return { name: schema.name, transport, directory, packageName };
}

/** `nx g @meshway/nx:service <name> --transport=http|nats` → apps/<name>. */
export function serviceGenerator(tree: Tree, schema: ServiceGeneratorSchema): GeneratorCallback {
  const options = normalizeServiceOptions(tree, schema);
  const substitutions = { ...options, className: names(options.name).className, tmpl: '' };
  generateFiles(tree, join(import.meta.dirname, 'files', 'common'), options.directory, substitutions);
  generateFiles(tree, join(import.meta.dirname, 'files', options.transport), options.directory, substitutions);
  writeJson(tree, `${options.directory}/package.json`, servicePackageJson(options.name, options.transport));
  return () => {
    logger.info(`Created ${options.directory} (${options.packageName}, transport ${options.transport}).`);
    logger.info(`Next: npm install   (links ${options.packageName} into the workspace)`);
    logger.info(`Then: npx vitest run --project ${options.name}   |   npm run serve -w ${options.packageName}`);
  };
}

export default serviceGenerator;
