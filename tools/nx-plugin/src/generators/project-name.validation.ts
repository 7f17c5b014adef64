import { getProjects, type Tree } from '@nx/devkit';

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

/** Throws a clear Error when `dir` exists or another project is already called `packageName`. */
export function assertProjectIsNew(tree: Tree, dir: string, packageName: string): void {
  if (tree.exists(dir)) throw new Error(`${dir} already exists: choose another name or remove the folder first.`);
  if (getProjects(tree).has(packageName)) throw new Error(`A project named ${packageName} already exists: choose another name.`);
}

/** Throws a clear Error unless `value` is one of `allowed`. */
export function assertOneOf<T extends string>(option: string, value: unknown, allowed: readonly T[]): asserts value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new Error(`Invalid --${option}=${JSON.stringify(value)}: expected one of ${allowed.join(', ')}.`);
  }
}
