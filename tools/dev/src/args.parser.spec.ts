import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './args.parser.js';
import { DevError, DevErrorCode } from './dev.errors.js';

describe('parseCliArgs', () => {
  it.each([
    [[], { help: false, replicas: {}, canary: {} }],
    [['--help'], { help: true, replicas: {}, canary: {} }],
    [['-h'], { help: true, replicas: {}, canary: {} }],
    [['--canary', 'users=2.0.0'], { canary: { users: '2.0.0' } }],
    [['--canary', 'users=2.1.0-rc.1,orders=1.5.0'], { canary: { users: '2.1.0-rc.1', orders: '1.5.0' } }],
    [['--only', 'registry,users'], { only: ['registry', 'users'] }],
    [['--only=registry', '--only', 'users'], { only: ['registry', 'users'] }],
    [['--only', 'users, users ,orders'], { only: ['users', 'orders'] }],
    [['--replicas', 'users=3'], { replicas: { users: 3 } }],
    [['--replicas', 'users=3,orders=2'], { replicas: { users: 3, orders: 2 } }],
    [['--replicas=users=1', '--replicas', 'orders=32'], { replicas: { users: 1, orders: 32 } }],
    [['--timeout', '45'], { timeoutMs: 45_000 }],
    [['--timeout', '45s'], { timeoutMs: 45_000 }],
    [['--timeout', '1500ms'], { timeoutMs: 1_500 }],
    [['--timeout', '2m'], { timeoutMs: 120_000 }],
    [['--timeout', '0.5'], { timeoutMs: 500 }],
    [['--apps-dir', 'some/apps'], { appsDir: 'some/apps' }],
  ])('accepts %j', (argv, expected) => {
    expect(parseCliArgs(argv)).toMatchObject(expected);
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['users'], 'Unexpected argument'],
    [['--only'], "Option '--only <value>' argument missing"],
    [['--only', ''], '--only "" is not valid: expected a comma-separated list with no empty items'],
    [['--only', 'users,,orders'], 'no empty items'],
    [['--only', 'us ers'], '--only "us ers" is not valid: expected component names made of letters'],
    [['--replicas', 'users'], '--replicas "users" is not valid: expected <name>=<count>, e.g. --replicas users=3'],
    [['--replicas', 'users=three'], 'expected <name>=<count>'],
    [['--replicas', 'users=-1'], 'expected <name>=<count>'],
    [['--replicas', 'users=0'], '--replicas "users=0" is not valid: expected a count from 1 to 32'],
    [['--replicas', 'users=33'], 'a count from 1 to 32'],
    [['--replicas', 'users=2,users=3'], 'each service once (users is given twice)'],
    [['--canary', 'users'], '--canary "users" is not valid: expected <name>=<version>, e.g. --canary users=2.0.0'],
    [['--canary', 'users=2'], 'expected a semantic version after "=", e.g. users=2.0.0'],
    [['--canary', 'users=v2.0.0'], 'expected a semantic version'],
    [['--canary', 'users=2.0.0,users=3.0.0'], 'each service once (users is given twice)'],
    [['--timeout', 'soon'], '--timeout "soon" is not valid: expected a duration from 1ms to 10m'],
    [['--timeout', '0'], 'a duration from 1ms to 10m'],
    [['--timeout', '11m'], 'a duration from 1ms to 10m'],
    [['--apps-dir', ' '], '--apps-dir " " is not valid: expected a folder path'],
  ])('rejects %j with MESHWAY_DEV_BAD_ARGS naming the problem', (argv, message) => {
    let caught: unknown;
    try {
      parseCliArgs(argv);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DevError);
    expect(caught).toMatchObject({ code: DevErrorCode.BadArgs, exitCode: 2 });
    expect((caught as DevError).message).toContain(message);
    expect((caught as DevError).message).toContain('Run with --help for usage.');
  });
});
