import { callAdmin } from '../admin.client.js';
import type { Command } from './command.js';

interface RouteRow {
  readonly route: string;
  readonly name: string | null;
  readonly source: string;
  readonly service: string;
  readonly transport: string;
  readonly chain: readonly string[];
  readonly instances: readonly unknown[];
}

interface ConfigRow {
  readonly source: string;
  readonly origin: string;
  readonly version: string | null;
  readonly rejected: { readonly error: string } | null;
}

/** `meshway routes`: the live table, and which configuration version is in force. */
export const routesCommand: Command = {
  name: 'routes',
  usage: 'routes                                   the live routing table and the configuration in force',
  async run({ admin, out }) {
    const { routes, config } = (await callAdmin(admin, 'GET', '/routes')) as { routes: RouteRow[]; config: ConfigRow[] };
    for (const route of routes) {
      out(`${route.route.padEnd(36)} → ${route.service} (${route.transport}, ${route.instances.length} healthy)  [${route.source}${route.name ? ` ${route.name}` : ''}]  ${route.chain.join(' › ')}`);
    }
    for (const source of config) {
      out(`config ${source.source}: ${source.origin} version ${source.version ?? '-'}${source.rejected ? `  REJECTED: ${source.rejected.error.split('\n').join(' ')}` : ''}`);
    }
  },
};
