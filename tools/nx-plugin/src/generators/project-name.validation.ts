import { readJson, type Tree } from '@nx/devkit';

/** Service and lib names: a folder under apps/ or libs/, a `@meshway/<name>` package, a NATS queue group. */
export const PROJECT_NAME_PATTERN = /^[a-z][a-z0-9-]*$/;

/** Throws a clear Error unless `name` is lower-case kebab case. */
export function assertProjectName(kind: 'service' | 'lib', name: unknown): asserts name is string {
  if (typeof name !== 'string' || !PROJECT_NAME_PATTERN.test(name)) {
    throw new Error(
      `Invalid ${kind} name ${JSON.stringify(name)}: use lower-case kebab case matching ${String(PROJECT_NAME_PATTERN)}, e.g. "billing".`,
    );
  }
}

/** Folders the root package.json `workspaces` names (`apps/*` → each folder under apps/). */
function workspaceFolders(tree: Tree): string[] {
  if (!tree.exists('package.json')) return [];
  const { workspaces } = readJson<{ workspaces?: unknown }>(tree, 'package.json');
  const patterns = Array.isArray(workspaces) ? workspaces.filter((w): w is string => typeof w === 'string') : [];
  return patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return tree.children(parent).map((child) => `${parent}/${child}`);
  });
}

/** Package names of the npm workspace's projects, read from the tree (so files written by this run count too). */
function workspacePackageNames(tree: Tree): Set<string> {
  const names = workspaceFolders(tree)
    .map((folder) => `${folder}/package.json`)
    .filter((file) => tree.exists(file))
    .map((file) => readJson<{ name?: unknown }>(tree, file).name);
  return new Set(names.filter((name): name is string => typeof name === 'string'));
}

/** Throws a clear Error when `dir` exists or another workspace package is already called `packageName`. */
export function assertProjectIsNew(tree: Tree, dir: string, packageName: string): void {
  if (tree.exists(dir)) throw new Error(`${dir} already exists: choose another name or remove the folder first.`);
  if (workspacePackageNames(tree).has(packageName)) throw new Error(`A project named ${packageName} already exists: choose another name.`);
}

/** Throws a clear Error unless `value` is one of `allowed`. */
export function assertOneOf<T extends string>(option: string, value: unknown, allowed: readonly T[]): asserts value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new Error(`Invalid --${option}=${JSON.stringify(value)}: expected one of ${allowed.join(', ')}.`);
  }
}
