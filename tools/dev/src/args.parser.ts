import { parseArgs } from 'node:util';
import { DevError, DevErrorCode } from './dev.errors.js';

/** What the command line asked for. Names are checked against the apps folder later. */
export interface CliArgs {
  readonly help: boolean;
  /** Component names to start (all when absent). */
  readonly only?: readonly string[];
  /** Instances per service, e.g. `{ users: 3 }`. */
  readonly replicas: Readonly<Record<string, number>>;
  /** One more instance per service announcing another version, e.g. `{ users: '2.0.0' }` (`--canary users=2.0.0`). */
  readonly canary: Readonly<Record<string, string>>;
  /** Health timeout per component, in ms. */
  readonly timeoutMs?: number;
  /** Folder of apps to discover (default: `<repo>/apps`). */
  readonly appsDir?: string;
}

export const MAX_REPLICAS = 32;
const MAX_TIMEOUT_MS = 600_000;
const NAME = /^[a-z0-9][a-z0-9._-]*$/i;
/** What SERVICE_VERSION accepts (libs/config `fields.optionalSemver`). */
export const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

export const USAGE = `Usage: npm start -- [options]

Starts the registry, then the services, then the gateway, each once healthy; a component that exits
afterwards is restarted (backoff 0.5 s → 10 s; 5 exits within 60 s stop all); Ctrl-C stops all.

Options:
  --only <names>        start only these components, comma-separated (e.g. --only registry,users)
  --replicas <n=count>  run several instances of a service on free ports (e.g. --replicas users=3,orders=2)
  --canary <n=version>  run one more instance of a service announcing that version (SERVICE_VERSION), beside the
                        others: a canary to release with \`npx meshway release set\` (e.g. --canary users=2.0.0)
  --timeout <time>      health timeout per component: 45 (seconds), 45s, 1500ms or 2m (default 30s)
  --apps-dir <path>     discover components in this folder instead of apps/
  -h, --help            show this help

Environment (parent values win): REGISTRY_PORT=8500, REGISTRY_DATA_DIR=.meshway/registry,
GATEWAY_PORT=8080, GATEWAY_ADMIN_PORT=8081, CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN,
NATS_URL=nats://127.0.0.1:4222, MESHWAY_TRANSPORT=auto|http|nats, LOG_LEVEL=info.
MESHWAY_TRANSPORT=auto (default) probes NATS once and gives every component the result: nats, or http
(NATS services then serve their handlers over HTTP); nats refuses to start without NATS.
`;

/** Parses `npm start -- …` flags; throws `MESHWAY_DEV_BAD_ARGS` naming the flag, the value and what is allowed. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const { values } = parseFlags(argv);
  const only = values.only === undefined ? undefined : parseOnly(values.only);
  return {
    help: values.help === true,
    replicas: values.replicas === undefined ? {} : parseReplicas(values.replicas),
    canary: values.canary === undefined ? {} : parseCanary(values.canary),
    ...(only === undefined ? {} : { only }),
    ...(values.timeout === undefined ? {} : { timeoutMs: parseTimeout(values.timeout) }),
    ...(values['apps-dir'] === undefined ? {} : { appsDir: nonEmpty('--apps-dir', values['apps-dir']) }),
  };
}

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        only: { type: 'string', multiple: true },
        replicas: { type: 'string', multiple: true },
        canary: { type: 'string', multiple: true },
        timeout: { type: 'string' },
        'apps-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // node:util explains the problem well ("Unknown option '--x'"); keep its words, add our code.
    const message = error instanceof Error ? error.message : String(error);
    throw new DevError(DevErrorCode.BadArgs, `${message}. Run with --help for usage.`);
  }
}

function parseOnly(values: readonly string[]): string[] {
  const names = splitList('--only', values);
  for (const name of names) checkName('--only', name);
  return [...new Set(names)];
}

function parseReplicas(values: readonly string[]): Record<string, number> {
  const replicas: Record<string, number> = {};
  for (const item of splitList('--replicas', values)) {
    const match = /^([^=]+)=(\d+)$/.exec(item);
    if (!match) throw bad('--replicas', item, '<name>=<count>, e.g. --replicas users=3');
    const [, name = '', digits = ''] = match;
    checkName('--replicas', name);
    const count = Number(digits);
    if (count < 1 || count > MAX_REPLICAS) throw bad('--replicas', item, `a count from 1 to ${MAX_REPLICAS}`);
    if (name in replicas) throw bad('--replicas', item, `each service once (${name} is given twice)`);
    replicas[name] = count;
  }
  return replicas;
}

function parseCanary(values: readonly string[]): Record<string, string> {
  const canary: Record<string, string> = {};
  for (const item of splitList('--canary', values)) {
    const [name = '', version = ''] = item.split('=', 2);
    if (!item.includes('=')) throw bad('--canary', item, '<name>=<version>, e.g. --canary users=2.0.0');
    checkName('--canary', name);
    if (!SEMVER.test(version)) throw bad('--canary', item, 'a semantic version after "=", e.g. users=2.0.0 or users=2.1.0-rc.1');
    if (name in canary) throw bad('--canary', item, `each service once (${name} is given twice)`);
    canary[name] = version;
  }
  return canary;
}

function parseTimeout(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  const unit = match?.[2] ?? 's';
  const ms = match ? Number(match[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000) : Number.NaN;
  if (!Number.isFinite(ms) || ms < 1 || ms > MAX_TIMEOUT_MS) {
    throw bad('--timeout', value, 'a duration from 1ms to 10m: 45 (seconds), 45s, 1500ms or 2m');
  }
  return Math.round(ms);
}

function splitList(flag: string, values: readonly string[]): string[] {
  const items = values.flatMap((v) => v.split(',')).map((v) => v.trim());
  if (items.length === 0 || items.some((v) => v === '')) {
    throw bad(flag, values.join(','), 'a comma-separated list with no empty items');
  }
  return items;
}

function checkName(flag: string, name: string): void {
  if (!NAME.test(name)) throw bad(flag, name, 'component names made of letters, digits, ".", "_" and "-"');
}

function nonEmpty(flag: string, value: string): string {
  if (value.trim() === '') throw bad(flag, value, 'a folder path');
  return value;
}

function bad(flag: string, value: string, allowed: string): DevError {
  return new DevError(DevErrorCode.BadArgs, `${flag} "${value}" is not valid: expected ${allowed}. Run with --help for usage.`);
}
