import { callAdmin } from '../admin.client.js';
import { UsageError, type Command } from './command.js';

interface InstanceRow {
  readonly id: string;
  readonly service: string;
  readonly address: string;
  readonly port: number;
  readonly version: string | null;
  readonly drained: boolean;
  readonly ejected: boolean;
}

export const instancesList: Command = {
  name: 'instances',
  usage: 'instances                                every instance, drained or ejected ones marked',
  async run({ admin, out }) {
    for (const i of (await callAdmin(admin, 'GET', '/instances')) as InstanceRow[]) {
      out(`${i.service.padEnd(14)} ${i.id.padEnd(40)} ${i.address}:${i.port}  ${i.version ?? ''}${i.drained ? '  DRAINED' : ''}${i.ejected ? '  EJECTED' : ''}`);
    }
  },
};

export const drain: Command = {
  name: 'drain',
  usage: 'drain <instance id> [reason…]            send it no new request (every gateway replica)',
  async run({ args, admin, out }) {
    const [id, ...reason] = args;
    if (id === undefined) throw new UsageError('drain needs the instance id (see meshway instances)');
    await callAdmin(admin, 'POST', `/instances/${encodeURIComponent(id)}/drain`, { reason: reason.join(' ') });
    out(`${id} drained`);
  },
};

export const undrain: Command = {
  name: 'undrain',
  usage: 'undrain <instance id>                    put it back in rotation',
  async run({ args, admin, out }) {
    if (args[0] === undefined) throw new UsageError('undrain needs the instance id');
    await callAdmin(admin, 'DELETE', `/instances/${encodeURIComponent(args[0])}/drain`);
    out(`${args[0]} back in rotation`);
  },
};
