import type { ApiContext } from './api.context.js';

/** Consul's API version this registry answers as; `Revision` says what it really is. */
export const CONSUL_API_VERSION = '1.20.0';

export function selfView(ctx: ApiContext): Record<string, unknown> {
  return {
    Config: {
      Datacenter: ctx.node.datacenter,
      PrimaryDatacenter: ctx.node.datacenter,
      NodeName: ctx.node.name,
      NodeID: ctx.node.id,
      Revision: `meshway-registry ${ctx.version}`,
      Server: true,
      Version: CONSUL_API_VERSION,
    },
    Coord: null,
    Member: memberView(ctx),
    Meta: {},
    // Consul's Stats values are strings; blocked_queries lets benches and operators see parked watchers.
    Stats: { meshway: { last_index: String(ctx.state.lastIndex), blocked_queries: String(ctx.state.feed.size) } },
  };
}

export function memberView(ctx: ApiContext): Record<string, unknown> {
  return {
    Name: ctx.node.name,
    Addr: ctx.node.address,
    Port: 8301,
    Tags: { dc: ctx.node.datacenter, role: 'consul', id: ctx.node.id, build: CONSUL_API_VERSION, vsn: '2' },
    Status: 1,
    ProtocolMin: 1,
    ProtocolMax: 5,
    ProtocolCur: 2,
    DelegateMin: 2,
    DelegateMax: 5,
    DelegateCur: 4,
  };
}
