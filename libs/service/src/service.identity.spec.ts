import { describe, expect, it } from 'vitest';
import { ServiceIdentity } from './service.identity.js';
import { resolveServiceOptions } from './service.options.js';

const options = resolveServiceOptions({ name: 'billing', version: '1.0.0', transport: 'nats' });

describe('ServiceIdentity', () => {
  it('is <name>-<pid> until the listener is bound', () => {
    const identity = new ServiceIdentity(options);
    expect(identity.instance).toBe(`billing-${process.pid}`);
    expect(identity.bound).toBe(false);
  });

  it('becomes <name>-<host>-<port>-<4 hex> once bound, and stays so', () => {
    const identity = new ServiceIdentity(options);
    identity.bind('127.0.0.1', 41234);
    expect(identity.instance).toMatch(/^billing-127\.0\.0\.1-41234-[0-9a-f]{4}$/);
    const fixed = identity.instance;
    identity.bind('10.0.0.1', 80);
    expect(identity.instance).toBe(fixed);
  });

  it('tells /info who it is', () => {
    const identity = new ServiceIdentity(options, () => 'beef');
    identity.bind('127.0.0.1', 3000);
    expect(identity.info()).toEqual({ service: 'billing', instance: 'billing-127.0.0.1-3000-beef', version: '1.0.0', transport: 'nats' });
  });
});
