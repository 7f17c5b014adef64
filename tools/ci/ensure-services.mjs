#!/usr/bin/env node
// What the tests need on this machine, made sure of before anything runs — by `npm test` and by .ci/run:
//   NATS with JetStream answering at 127.0.0.1:4222, Redis answering at 127.0.0.1:6379, Chromium at /usr/bin/chromium.
// Missing and root: installed from Debian's packages and started as a daemon. Missing and not root: fails at
// once with the command to run. One line per service. Dependency-free on purpose: .ci/run runs it before `npm ci`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

const HOST = '127.0.0.1';
/** How long a started daemon may take to answer on its port. */
const START_TIMEOUT_MS = 10_000;

/** @typedef {{ name: string, package: string, binary: string, port?: number, dirs?: string[], start?: [string, string[]], log?: string }} Need */

/** @type {Need[]} */
export const NEEDS = [
  {
    name: 'NATS',
    package: 'nats-server',
    binary: '/usr/sbin/nats-server',
    port: 4222,
    dirs: ['/var/lib/nats-server', '/var/log'],
    start: ['start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/nats-server', '--', '-a', HOST, '-p', '4222', '-js', '-sd', '/var/lib/nats-server', '-l', '/var/log/nats-server.log']],
    log: '/var/log/nats-server.log',
  },
  // Browser specs (the registry dashboard, the gateway's API docs) drive Debian's Chromium through playwright-core.
  { name: 'Chromium', package: 'chromium', binary: '/usr/bin/chromium' },
  {
    name: 'Redis',
    package: 'redis-server',
    binary: '/usr/bin/redis-server',
    port: 6379,
    dirs: ['/var/lib/redis', '/var/log/redis'],
    start: ['redis-server', ['--daemonize', 'yes', '--bind', HOST, '-::1', '--port', '6379', '--save', '', '--appendonly', 'no', '--dir', '/var/lib/redis', '--logfile', '/var/log/redis/ci.log']],
    log: '/var/log/redis/ci.log',
  },
];

class NotEnsured extends Error {}

/** Resolves true when host:port accepts a TCP connection within `timeoutMs`. */
export function answers(port, host = HOST, timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a command quietly; on failure throws with its output. */
function run(command, args, env = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.status === 0) return;
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
  throw new NotEnsured(`\`${[command, ...args].join(' ')}\` failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})${output ? `:\n${output}` : ''}`);
}

function tail(file, lines = 20) {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no ${file})`;
  }
}

/** apt-get update once per run, then installs `pkg` (root only). */
function aptInstaller() {
  let updated = false;
  return (need) => {
    const command = `apt-get update && apt-get install -y ${need.package}`;
    if (!isRoot()) throw new NotEnsured(`${need.name} is not installed (${need.binary} is missing). As root, run: ${command}`);
    const apt = { DEBIAN_FRONTEND: 'noninteractive' };
    if (!updated) run('apt-get', ['update', '-qq'], apt);
    updated = true;
    run('apt-get', ['install', '-y', '-qq', need.package], apt);
    if (!existsSync(need.binary)) throw new NotEnsured(`${command} finished, yet ${need.binary} is still missing`);
  };
}

/** Starts the daemon and waits for its port; throws with its log's last lines when it does not answer. */
async function startDaemon(need) {
  const [command, args] = need.start;
  if (!isRoot()) throw new NotEnsured(`${need.name} does not answer at ${HOST}:${need.port}. As root, run: ${[command, ...args.map((a) => (a === '' ? '""' : a))].join(' ')}`);
  for (const dir of need.dirs ?? []) mkdirSync(dir, { recursive: true });
  run(command, args);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await answers(need.port)) return;
    await sleep(200);
  }
  throw new NotEnsured(`${need.name} did not answer at ${HOST}:${need.port} within ${START_TIMEOUT_MS / 1000} s. Last lines of ${need.log}:\n${tail(need.log)}`);
}

/** Makes sure of one need; resolves the line that says how it stands. */
async function ensure(need, install) {
  const done = [];
  if (need.port !== undefined && (await answers(need.port))) return `${need.name} answers at ${HOST}:${need.port}`;
  if (!existsSync(need.binary)) {
    install(need);
    done.push(`installed ${need.package}`);
  }
  if (need.port === undefined) return `${need.name} at ${need.binary}${done.length ? ` (${done.join(', ')})` : ''}`;
  await startDaemon(need);
  done.push(`started ${need.package}`);
  return `${need.name} answers at ${HOST}:${need.port} (${done.join(', ')})`;
}

/**
 * Ensures every need in order, printing `ensure: <line>` for each; resolves false (after printing why)
 * at the first that cannot be met.
 */
export async function ensureServices({ needs = NEEDS, log = (line) => console.log(line), error = (line) => console.error(line) } = {}) {
  const install = aptInstaller();
  for (const need of needs) {
    try {
      log(`ensure: ${await ensure(need, install)}`);
    } catch (failure) {
      if (!(failure instanceof NotEnsured)) throw failure;
      error(`ensure: ${failure.message}`);
      return false;
    }
  }
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit((await ensureServices()) ? 0 : 1);
}
