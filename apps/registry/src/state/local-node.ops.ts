import { CONSUL_SERVER_PORT, CONSUL_SERVICE, SERF_HEALTH_CHECK_ID } from '../model/records.js';
import type { RegistryState } from './registry.state.js';

/** The registry's own node as the API describes it. */
export interface LocalNodeSpec {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly datacenter: string;
  /** The registry's version, recorded in the node's meta. */
  readonly version: string;
  /** The Consul version the registry answers as, recorded in the `consul` service's meta. */
  readonly consulVersion: string;
}

/**
 * Writes (or refreshes) the registry's own node with what a Consul server has on it: the always-passing
 * `serfHealth` check (what makes a check-less service healthy) and the `consul` service that lists the
 * server itself, so `/v1/catalog/services` is never empty and `/v1/health/service/consul` finds it.
 */
export async function ensureLocalNode(state: RegistryState, node: LocalNodeSpec): Promise<void> {
  await state.write((tx) => {
    tx.putNode({ ID: node.id, Node: node.name, Address: node.address, Datacenter: node.datacenter, TaggedAddresses: {}, Meta: { 'meshway-registry': node.version } });
    tx.putCheck({
      Node: node.name,
      CheckID: SERF_HEALTH_CHECK_ID,
      Name: 'Serf Health Status',
      Status: 'passing',
      Notes: '',
      Output: 'Agent alive and reachable',
      ServiceID: '',
      ServiceName: '',
      ServiceTags: [],
      Type: '',
      Definition: {},
    });
    tx.putService({
      Node: node.name,
      ID: CONSUL_SERVICE,
      Service: CONSUL_SERVICE,
      Tags: [],
      Address: '',
      Port: CONSUL_SERVER_PORT,
      // The keys a Consul server's entry carries, with a single voting server's values.
      Meta: { non_voter: 'false', raft_version: '3', read_replica: 'false', serf_protocol_current: '2', serf_protocol_max: '5', serf_protocol_min: '1', version: node.consulVersion },
      EnableTagOverride: false,
      Weights: { Passing: 1, Warning: 1 },
    });
  }).durable;
}
