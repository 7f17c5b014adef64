import { afterAll, describe, expect, it } from 'vitest';
import { readCatalog } from './component.catalog.js';
import { DevErrorCode } from './dev.errors.js';
import { FIXTURE_APPS, fixtureMain, removeTmpApps, writeApps } from './fixtures/fixture.apps.js';
import { planStart, type StartPlan } from './start.plan.js';

const names = (plan: StartPlan): string[][] => plan.stages.map((s) => s.instances.map((i) => i.name));

describe('planStart', () => {
  afterAll(removeTmpApps);

  const catalog = readCatalog(FIXTURE_APPS);

  it('starts the registry, then every service, then the gateway', () => {
    const plan = planStart(catalog);
    expect(plan.stages.map((s) => s.role)).toEqual(['registry', 'service', 'gateway']);
    expect(names(plan)).toEqual([['registry'], ['orders', 'users'], ['gateway']]);
    expect(plan.notes).toEqual([{ name: 'docs', reason: expect.stringContaining('has no "meshway" field') }]);
  });

  it('names replicas name#1..name#n', () => {
    expect(names(planStart(catalog, { replicas: { users: 3 } }))).toEqual([['registry'], ['orders', 'users#1', 'users#2', 'users#3'], ['gateway']]);
  });

  it('adds one canary instance, users@<version>, announcing that version through SERVICE_VERSION', () => {
    const plan = planStart(catalog, { replicas: { users: 2 }, canary: { users: '2.0.0' } });
    expect(names(plan)).toEqual([['registry'], ['orders', 'users#1', 'users#2', 'users@2.0.0'], ['gateway']]);
    const canary = plan.stages[1]?.instances.find((i) => i.name === 'users@2.0.0');
    expect(canary).toMatchObject({ component: { name: 'users' }, env: { SERVICE_VERSION: '2.0.0' } });
    expect(plan.stages[1]?.instances.find((i) => i.name === 'users#1')?.env).toBeUndefined();
  });

  it('rejects a canary of an unknown app, of one left out by --only, and of the registry or gateway', () => {
    expect(() => planStart(catalog, { canary: { billing: '2.0.0' } })).toThrow(expect.objectContaining({ code: DevErrorCode.UnknownComponent }));
    expect(() => planStart(catalog, { only: ['registry', 'orders'], canary: { users: '2.0.0' } })).toThrow(expect.objectContaining({ code: DevErrorCode.UnknownComponent }));
    expect(() => planStart(catalog, { canary: { gateway: '2.0.0' } })).toThrow(expect.objectContaining({ code: DevErrorCode.BadArgs, message: expect.stringContaining('canaries are for services') }));
  });

  it('starts only the --only subset, in stage order, and notes what it left out', () => {
    const plan = planStart(catalog, { only: ['users', 'registry'] });
    expect(names(plan)).toEqual([['registry'], ['users']]);
    expect(plan.notes.map((n) => `${n.name}: ${n.reason}`)).toEqual(['gateway: not in --only', 'orders: not in --only', expect.stringMatching(/^docs: /)]);
  });

  it('rejects an unknown --only name, listing the valid names', () => {
    expect(() => planStart(catalog, { only: ['users', 'billing'] })).toThrow(
      expect.objectContaining({
        code: DevErrorCode.UnknownComponent,
        exitCode: 2,
        message: 'unknown component "billing". Valid names: gateway, orders, registry, users.',
      }),
    );
  });

  it('explains why a known but unstartable app cannot be chosen', () => {
    expect(() => planStart(catalog, { only: ['docs'] })).toThrow(/^"docs" cannot start: .*has no "meshway" field\. Valid names: gateway, orders, registry, users\.$/);
  });

  it('rejects replicas of an unknown service, of one left out by --only, and of the registry or gateway', () => {
    expect(() => planStart(catalog, { replicas: { billing: 2 } })).toThrow(expect.objectContaining({ code: DevErrorCode.UnknownComponent }));
    expect(() => planStart(catalog, { only: ['registry'], replicas: { users: 2 } })).toThrow(
      '--replicas users=2: "users" is not started (excluded by --only).',
    );
    expect(() => planStart(catalog, { replicas: { gateway: 2 } })).toThrow(
      expect.objectContaining({ code: DevErrorCode.BadArgs, message: expect.stringContaining('"gateway" is the gateway, which runs once on its fixed port') }),
    );
  });

  it('says in its notes when there is no registry or gateway app, and still starts the services', () => {
    const dir = writeApps({ users: { meshway: { role: 'service', entry: fixtureMain('users') } } });
    const plan = planStart(readCatalog(dir));
    expect(names(plan)).toEqual([['users']]);
    expect(plan.notes.map((n) => n.name)).toEqual(['registry', 'gateway']);
    expect(plan.notes[0]?.reason).toMatch(/^no app in .* has meshway\.role "registry"$/);
  });

  it('fails with MESHWAY_DEV_NOTHING_TO_START when no app can start', () => {
    const dir = writeApps({ registry: { name: 'registry' } });
    expect(() => planStart(readCatalog(dir))).toThrow(
      expect.objectContaining({ code: DevErrorCode.NothingToStart, message: expect.stringMatching(/registry: .*has no "meshway" field; services: no app/) }),
    );
  });
});
