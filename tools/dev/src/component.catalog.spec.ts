import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCatalog } from './component.catalog.js';
import { DevErrorCode } from './dev.errors.js';
import { FIXTURE_APPS, fixtureMain, removeTmpApps, writeApps } from './fixtures/fixture.apps.js';

describe('readCatalog', () => {
  afterAll(removeTmpApps);

  it('finds each app by its package.json "meshway" field, sorted by folder, with role, transport and entry', () => {
    const catalog = readCatalog(FIXTURE_APPS);
    expect(catalog.components).toEqual([
      { name: 'gateway', dir: join(FIXTURE_APPS, 'gateway'), role: 'gateway', entry: join(FIXTURE_APPS, 'gateway/main.mjs') },
      { name: 'orders', dir: join(FIXTURE_APPS, 'orders'), role: 'service', transport: 'http', entry: join(FIXTURE_APPS, 'orders/main.mjs') },
      { name: 'registry', dir: join(FIXTURE_APPS, 'registry'), role: 'registry', entry: join(FIXTURE_APPS, 'registry/main.mjs') },
      { name: 'users', dir: join(FIXTURE_APPS, 'users'), role: 'service', transport: 'http', entry: join(FIXTURE_APPS, 'users/main.mjs') },
    ]);
    expect(catalog.skipped).toEqual([{ name: 'docs', reason: expect.stringMatching(/docs\/package\.json has no "meshway" field$/) }]);
  });

  it('defaults the entry to src/main.ts and a service transport to http, and skips an app whose entry is missing', () => {
    const dir = writeApps({ billing: { meshway: { role: 'service' } }, registry: { meshway: { role: 'registry' } } });
    mkdirSync(join(dir, 'billing', 'src'));
    writeFileSync(join(dir, 'billing', 'src', 'main.ts'), '');
    const catalog = readCatalog(dir);
    expect(catalog.components).toEqual([
      { name: 'billing', dir: join(dir, 'billing'), role: 'service', transport: 'http', entry: join(dir, 'billing/src/main.ts') },
    ]);
    expect(catalog.skipped).toEqual([{ name: 'registry', reason: expect.stringMatching(/registry\/src\/main\.ts does not exist yet$/) }]);
  });

  it('ignores folders without a package.json', () => {
    const dir = writeApps({ users: { meshway: { role: 'service', entry: fixtureMain('users') } } });
    mkdirSync(join(dir, 'scratch'));
    expect(readCatalog(dir).components.map((c) => c.name)).toEqual(['users']);
  });

  it.each([
    [{ meshway: 'service' }, 'meshway is "service"; expected an object like { "role": "service", "transport": "http" }.'],
    [{ meshway: { role: 'worker' } }, 'meshway.role is "worker"; expected "registry" | "service" | "gateway".'],
    [{ meshway: {} }, 'meshway.role is missing; expected "registry" | "service" | "gateway".'],
    [{ meshway: { role: 'service', transport: 'grpc' } }, 'meshway.transport is "grpc"; expected "http" | "nats".'],
    [{ meshway: { role: 'service', entry: 42 } }, 'meshway.entry is 42; expected a path to the main file'],
    ['{ "name": "broken", ', 'is not valid JSON'],
  ])('rejects the manifest %j with MESHWAY_DEV_BAD_MANIFEST naming file, field and allowed values', (manifest, message) => {
    const dir = writeApps({ broken: manifest });
    expect(() => readCatalog(dir)).toThrow(
      expect.objectContaining({ code: DevErrorCode.BadManifest, exitCode: 1, message: expect.stringContaining(message) }),
    );
    expect(() => readCatalog(dir)).toThrow(/broken\/package\.json/);
  });

  it('rejects two apps claiming the registry role', () => {
    const dir = writeApps({
      a: { meshway: { role: 'registry', entry: fixtureMain('registry') } },
      b: { meshway: { role: 'registry', entry: fixtureMain('registry') } },
    });
    expect(() => readCatalog(dir)).toThrow('apps a, b all claim meshway.role "registry": only one app may.');
  });

  it('rejects an apps folder that does not exist', () => {
    expect(() => readCatalog('/nonexistent/apps')).toThrow(
      expect.objectContaining({ code: DevErrorCode.BadOptions, message: 'appsDir "/nonexistent/apps" does not exist: expected a folder of apps.' }),
    );
  });
});
