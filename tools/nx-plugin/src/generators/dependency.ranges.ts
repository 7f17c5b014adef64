/**
 * Third-party ranges written into generated package.json files: the versions this workspace
 * installs at its root (npm workspaces hoist them), kept in one place so generated projects never drift.
 */
export const DEPENDENCY_RANGES = {
  '@nats-io/transport-node': '~3.4.0',
  '@nestjs/common': '~12.5.1',
  '@nestjs/core': '~12.5.1',
  '@nestjs/microservices': '~12.1.1',
  'reflect-metadata': '^0.2.2',
  rxjs: '^7.8.2',
  zod: '^4.6.7',
} as const;

export type DependencyName = keyof typeof DEPENDENCY_RANGES;

/** `{ name: range }` for third-party names, `"*"` for workspace packages (`@meshway/...`). */
export function dependencies(names: readonly (DependencyName | `@meshway/${string}`)[]): Record<string, string> {
  const entries = names.map((name) => [name, name.startsWith('@meshway/') ? '*' : DEPENDENCY_RANGES[name as DependencyName]] as const);
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

/** The build script every workspace package shares (swc, config at the root). */
export const BUILD_SCRIPT = 'swc src -d dist --strip-leading-paths --config-file ../../.swcrc';
