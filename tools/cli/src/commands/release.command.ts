import { parseArgs } from 'node:util';
import { callAdmin } from '../admin.client.js';
import { UsageError, type Command } from './command.js';

interface ReleaseView {
  readonly service: string;
  readonly stable: string;
  readonly canary: string;
  readonly weight: number;
  readonly sticky: string;
  readonly state: string;
  readonly rollback?: { readonly at: string; readonly reason: string };
  readonly guard?: Record<string, unknown>;
}

function describe(release: ReleaseView): string {
  const rolled = release.rollback ? `  rolled back ${release.rollback.at}: ${release.rollback.reason}` : '';
  return `${release.service}: stable ${release.stable} ${100 - release.weight} % · canary ${release.canary} ${release.weight} % · sticky ${release.sticky} · ${release.state}${rolled}`;
}

function serviceOf(args: readonly string[], usage: string): string {
  const service = args[0];
  if (service === undefined || service.startsWith('--')) throw new UsageError(`${usage} needs the service name`);
  return service;
}

/** `meshway release [service]`: the releases in force. */
export const releaseShow: Command = {
  name: 'release show',
  usage: 'release show [service]                  canary releases in force',
  async run({ args, admin, out }) {
    const releases = args[0] === undefined ? ((await callAdmin(admin, 'GET', '/releases')) as ReleaseView[]) : [(await callAdmin(admin, 'GET', `/releases/${encodeURIComponent(args[0])}`)) as ReleaseView];
    if (releases.length === 0) out('no releases');
    for (const release of releases) out(describe(release));
  },
};

/** `meshway release set users --stable ^1 --canary ^2 --weight 5 [--sticky consumer] [--max-error-rate 0.05 …]`. */
export const releaseSet: Command = {
  name: 'release set',
  usage: 'release set <service> --stable <range> --canary <range> --weight <0-100> [--sticky consumer|ip|header:x|cookie:x] [--max-error-rate 0.05] [--max-p99-delta-ms 200] [--window 30] [--min-requests 20]',
  async run({ args, admin, out }) {
    const service = serviceOf(args, 'release set');
    const { values } = parseArgs({
      args: args.slice(1),
      options: {
        stable: { type: 'string' }, canary: { type: 'string' }, weight: { type: 'string' }, sticky: { type: 'string' },
        'max-error-rate': { type: 'string' }, 'max-p99-delta-ms': { type: 'string' }, window: { type: 'string' }, 'min-requests': { type: 'string' },
      },
    });
    if (values.stable === undefined || values.canary === undefined || values.weight === undefined) throw new UsageError('release set needs --stable, --canary and --weight');
    const guardGiven = ['max-error-rate', 'max-p99-delta-ms', 'window', 'min-requests'].some((key) => values[key as keyof typeof values] !== undefined);
    const guard = guardGiven
      ? {
          ...(values['max-error-rate'] === undefined ? {} : { maxErrorRateDelta: Number(values['max-error-rate']) }),
          ...(values['max-p99-delta-ms'] === undefined ? {} : { maxP99DeltaMs: Number(values['max-p99-delta-ms']) }),
          ...(values.window === undefined ? {} : { windowSec: Number(values.window) }),
          ...(values['min-requests'] === undefined ? {} : { minRequests: Number(values['min-requests']) }),
        }
      : undefined;
    const release = { stable: values.stable, canary: values.canary, weight: Number(values.weight), ...(values.sticky ? { sticky: values.sticky } : {}), ...(guard ? { guard } : {}) };
    out(describe((await callAdmin(admin, 'PUT', `/releases/${encodeURIComponent(service)}`, release)) as ReleaseView));
  },
};

/** `meshway release weight users 50`: moves the split (and re-arms a rolled-back release). */
export const releaseWeight: Command = {
  name: 'release weight',
  usage: 'release weight <service> <0-100>         move the split (re-arms a rolled-back release)',
  async run({ args, admin, out }) {
    const service = serviceOf(args, 'release weight');
    if (args[1] === undefined) throw new UsageError('release weight needs the canary weight (0-100)');
    const { service: _service, version: _version, rejected: _rejected, rollback: _rollback, ...current } = (await callAdmin(admin, 'GET', `/releases/${encodeURIComponent(service)}`)) as ReleaseView & Record<string, unknown>;
    const next = { ...current, weight: Number(args[1]), state: 'active' };
    out(describe((await callAdmin(admin, 'PUT', `/releases/${encodeURIComponent(service)}`, next)) as ReleaseView));
  },
};

/** `meshway release end users`: all traffic follows the route again. */
export const releaseEnd: Command = {
  name: 'release end',
  usage: 'release end <service>                    end the release: traffic follows the route again',
  async run({ args, admin, out }) {
    const service = serviceOf(args, 'release end');
    await callAdmin(admin, 'DELETE', `/releases/${encodeURIComponent(service)}`);
    out(`release of ${service} ended`);
  },
};
