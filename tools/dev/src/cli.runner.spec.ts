import { afterEach, describe, expect, it } from 'vitest';
import { DUPLICATE_SIGNAL_MS, runCli, type CliIo } from './cli.runner.js';
import { FIXTURE_APPS, fixtureEnv, pidsIn } from './fixtures/fixture.apps.js';
import { processAlive } from '@meshway/process';

/** An in-memory terminal: captured stdout/stderr, and signals the test delivers by hand. */
function fakeIo(env: NodeJS.ProcessEnv = {}) {
  let now = 0;
  let out = '';
  let err = '';
  let deliver: ((signal: NodeJS.Signals) => void) | undefined;
  let exitHook: (() => void) | undefined;
  const io: CliIo = {
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: (s: string) => (err += s) },
    env,
    now: () => now,
    onSignals: (handler, onExit) => {
      deliver = handler;
      exitHook = onExit;
      return () => {
        deliver = undefined;
        exitHook = undefined;
      };
    },
  };
  return {
    io,
    out: () => out,
    err: () => err,
    signal: (s: NodeJS.Signals) => deliver?.(s),
    advance: (ms: number) => (now += ms),
    subscribed: () => deliver !== undefined && exitHook !== undefined,
  };
}

/** Resolves once `predicate(stdout)` holds (polling; real processes are starting). */
async function until(read: () => string, predicate: (text: string) => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate(read())) {
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

let pending: Promise<number> | undefined;
let interruptLeftover: (() => void) | undefined;
afterEach(async () => {
  interruptLeftover?.(); // a failed test must not leave its platform running
  await pending;
  pending = undefined;
  interruptLeftover = undefined;
});

describe('runCli', () => {
  it('prints usage for --help and exits 0 without starting anything', async () => {
    const term = fakeIo();
    expect(await runCli(['--help'], term.io)).toBe(0);
    expect(term.out()).toContain('Usage: npm start -- [options]');
    expect(term.out()).toContain('--replicas <n=count>');
  });

  it.each([
    [['--replicas', 'users:3'], 'meshway: --replicas "users:3" is not valid: expected <name>=<count>, e.g. --replicas users=3. Run with --help for usage. [MESHWAY_DEV_BAD_ARGS]'],
    [['--frobnicate'], "meshway: Unknown option '--frobnicate'. Run with --help for usage. [MESHWAY_DEV_BAD_ARGS]"],
    [['--apps-dir', FIXTURE_APPS, '--only', 'billing'], 'meshway: unknown component "billing". Valid names: gateway, orders, registry, users. [MESHWAY_DEV_UNKNOWN_COMPONENT]'],
    [['--apps-dir', FIXTURE_APPS, '--replicas', 'registry=2'], '"registry" is the registry, which runs once on its fixed port; replicas are for services. [MESHWAY_DEV_BAD_ARGS]'],
  ])('exits 2 for %j, saying what is wrong on stderr', async (argv, message) => {
    const term = fakeIo(await fixtureEnv());
    expect(await runCli(argv, term.io)).toBe(2);
    expect(term.err()).toContain(message);
    expect(term.out()).toBe('');
  });

  it('exits 2 naming a bad environment variable', async () => {
    const term = fakeIo({ ...(await fixtureEnv()), GATEWAY_PORT: 'eighty' });
    expect(await runCli(['--apps-dir', FIXTURE_APPS], term.io)).toBe(2);
    expect(term.err()).toContain('meshway: GATEWAY_PORT="eighty" is not a port: expected an integer from 1 to 65535. [MESHWAY_DEV_BAD_ENV]');
  });

  it('runs the --only subset until a signal, then stops it and exits 0', async () => {
    const term = fakeIo({ ...process.env, ...(await fixtureEnv()) });
    interruptLeftover = () => term.signal('SIGINT');
    pending = runCli(['--apps-dir', FIXTURE_APPS, '--only', 'registry,users'], term.io);
    await until(term.out, (t) => t.includes('Meshway ready in'));
    expect(term.out()).toMatch(/^ {3}users {5}http:\/\/127\.0\.0\.1:\d+ +service \(http\)$/m);
    expect(term.out()).not.toMatch(/fixture (orders|gateway)/);
    expect(term.out()).toContain(' Not started: gateway (not in --only)');
    expect(term.subscribed()).toBe(true);
    term.signal('SIGINT');
    expect(await pending).toBe(0);
    expect(term.out()).toMatch(/meshway: SIGINT received: stopping everything\n(.|\n)*meshway: stopped in \d+ ms\n$/);
    expect(term.subscribed()).toBe(false);
    for (const pid of pidsIn(term.out())) expect(processAlive(pid)).toBe(false);
  });

  it('kills everything at once on a second signal while stopping, but not on the echo npm forwards at once', async () => {
    const term = fakeIo({ ...process.env, ...(await fixtureEnv({ MESHWAY_FIXTURE_STUBBORN: 'users' })) });
    interruptLeftover = () => term.signal('SIGINT');
    pending = runCli(['--apps-dir', FIXTURE_APPS, '--only', 'users'], term.io);
    await until(term.out, (t) => t.includes('Meshway ready in'));
    const started = Date.now();
    term.signal('SIGTERM');
    await until(term.out, (t) => t.includes('fixture users ignores SIGTERM'));
    term.advance(DUPLICATE_SIGNAL_MS - 1);
    term.signal('SIGTERM'); // npm's echo of the same Ctrl-C: ignored
    expect(term.err()).toBe('');
    term.advance(1);
    term.signal('SIGTERM');
    expect(await pending).toBe(0);
    expect(Date.now() - started).toBeLessThan(3_000); // not the 4 s grace
    expect(term.err()).toContain('meshway: SIGTERM again: killing everything now');
    for (const pid of pidsIn(term.out())) expect(processAlive(pid)).toBe(false);
  });

  it('interrupts a start in progress on a signal, stops what started and exits 0', async () => {
    const term = fakeIo({ ...process.env, ...(await fixtureEnv({ MESHWAY_FIXTURE_HANG: 'registry' })) });
    interruptLeftover = () => term.signal('SIGINT');
    pending = runCli(['--apps-dir', FIXTURE_APPS], term.io);
    await until(term.out, (t) => t.includes('fixture registry ready'));
    term.signal('SIGINT');
    expect(await pending).toBe(0);
    expect(term.out()).toContain('meshway: start interrupted; everything started was stopped');
    for (const pid of pidsIn(term.out())) expect(processAlive(pid)).toBe(false);
  });
});
