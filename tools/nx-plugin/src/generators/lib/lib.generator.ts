import { join } from 'node:path';
import { generateFiles, logger, names, writeJson, type GeneratorCallback, type Tree } from '@nx/devkit';
import { assertOneOf, assertProjectIsNew, assertProjectName } from '../project-name.validation.js';
import { libPackageJson } from './lib.package-json.js';
import { LIB_KINDS, type LibGeneratorSchema, type LibKind } from './lib.schema.js';

export interface NormalizedLibOptions {
  readonly name: string;
  readonly kind: LibKind;
  readonly nestAdapter: boolean;
  readonly directory: string;
  readonly packageName: string;
}

/** Validates everything before a file is written, so bad input leaves the workspace untouched. */
export function normalizeLibOptions(tree: Tree, schema: LibGeneratorSchema): NormalizedLibOptions {
  assertProjectName('lib', schema.name);
  const kind: unknown = schema.kind ?? 'core';
  assertOneOf('kind', kind, LIB_KINDS);
  const nestAdapter = schema.nestAdapter ?? false;
  if (typeof nestAdapter !== 'boolean') throw new Error(`Invalid --nest-adapter=${JSON.stringify(nestAdapter)}: expected true or false.`);
  if (nestAdapter && kind === 'nest') throw new Error('--nest-adapter applies to --kind=core only: a --kind=nest lib is a Nest module already.');
  const directory = `libs/${schema.name}`;
  const packageName = `@meshway/${schema.name}`;
  assertProjectIsNew(tree, directory, packageName);
  return { name: schema.name, kind, nestAdapter, directory, packageName };
}

/** `nx g @meshway/nx:lib <name> --kind=core|nest [--nest-adapter]` → libs/<name>. */
export function libGenerator(tree: Tree, schema: LibGeneratorSchema): GeneratorCallback {
  const options = normalizeLibOptions(tree, schema);
  const { className, constantName } = names(options.name);
  const substitutions = { ...options, className, constantName, tmpl: '' };
  const folders = ['common', options.kind, ...(options.nestAdapter ? ['nest-adapter'] : [])];
  for (const folder of folders) generateFiles(tree, join(import.meta.dirname, 'files', folder), options.directory, substitutions);
  writeJson(tree, `${options.directory}/package.json`, libPackageJson(options.name, options.kind, options.nestAdapter));
  return () => {
    logger.info(`Created ${options.directory} (${options.packageName}, type:${options.kind}${options.nestAdapter ? ', ./nest adapter' : ''}).`);
    logger.info(`Next: npm install   (links ${options.packageName} into the workspace)`);
  };
}

export default libGenerator;
