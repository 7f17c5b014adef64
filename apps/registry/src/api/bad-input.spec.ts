import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture, type RegistryFixture } from '../spec/registry.fixture.js';

interface Row {
  readonly method: string;
  readonly path: string;
  readonly body?: string | Buffer;
  readonly status: number;
  /** The exact plain-text reason, or a pattern it must match. */
  readonly text: string | RegExp;
}

const register = (body: unknown): Pick<Row, 'method' | 'path' | 'body'> => ({ method: 'PUT', path: '/v1/agent/service/register', body: JSON.stringify(body) });
const withCheck = (check: unknown): Pick<Row, 'method' | 'path' | 'body'> => register({ Name: 'web', Check: check });

/** Each row: a request Consul would refuse, and the status and text it answers with. Never a 500. */
const ROWS: Row[] = [
  { method: 'PUT', path: '/v1/agent/service/register', body: '{"Name": "web",', status: 400, text: /^Request decode failed: / },
  { ...register({ Name: 5 }), status: 400, text: 'Request decode failed: json: cannot unmarshal number into Go struct field ServiceDefinition.Name of type string' },
  { ...register({}), status: 400, text: 'Missing service name' },
  { method: 'PUT', path: '/v1/agent/service/register', body: 'null', status: 400, text: 'Missing service name' },
  { method: 'PUT', path: '/v1/agent/service/register', body: '[1,2]', status: 400, text: 'Request decode failed: json: cannot unmarshal array into Go struct field ServiceDefinition of type object' },
  { ...register({ Name: 'web', Port: '80' }), status: 400, text: 'Request decode failed: json: cannot unmarshal string into Go struct field ServiceDefinition.Port of type int' },
  { ...register({ Name: 'web', Port: 70000 }), status: 400, text: 'Invalid Port 70000: must be 0-65535' },
  { ...register({ Name: 'web', Tags: 'a' }), status: 400, text: 'Request decode failed: json: cannot unmarshal string into Go struct field ServiceDefinition.Tags of type []string' },
  { ...register({ Name: 'web', Meta: { 'consul-x': '1' } }), status: 400, text: "Invalid Service Meta: Key prefix 'consul-' is reserved for internal use" },
  { ...register({ Name: 'web', Meta: { k: 'v'.repeat(513) } }), status: 400, text: 'Invalid Service Meta: Value is too long (limit: 512 characters)' },
  { ...register({ Name: 'web', Meta: { 'bad key': 'v' } }), status: 400, text: 'Invalid Service Meta: Key contains invalid characters: "bad key"' },
  { ...register({ Name: 'web', Weights: { Passing: 0 } }), status: 400, text: 'Passing must be greater than 0' },
  { ...register({ Name: 'web', Kind: 'connect-proxy' }), status: 400, text: /^Invalid service Kind "connect-proxy"/ },
  { ...withCheck({ Script: '/bin/true', Interval: '10s' }), status: 400, text: 'Invalid check: Script checks are not supported by meshway-registry; use TTL, HTTP or TCP' },
  { ...withCheck({ GRPC: '127.0.0.1:9000', Interval: '10s' }), status: 400, text: /^Invalid check: GRPC checks are not supported/ },
  { ...withCheck({ HTTP: 'http://127.0.0.1:1/health', Interval: 'soon' }), status: 400, text: 'Request decode failed: ServiceDefinition.Check.Interval: invalid duration "soon"' },
  { ...withCheck({ HTTP: 'http://127.0.0.1:1/health' }), status: 400, text: 'Invalid check: Interval must be > 0 for HTTP or TCP checks' },
  { ...withCheck({ TTL: '0s' }), status: 400, text: 'Invalid check: TTL must be > 0 for TTL checks' },
  { ...withCheck({ TTL: '10s', TCP: '127.0.0.1:1', Interval: '1s' }), status: 400, text: 'Invalid check: only one of TTL, HTTP or TCP may be set' },
  { ...withCheck({ HTTP: 'ftp://example.com', Interval: '1s' }), status: 400, text: 'Invalid check: HTTP must be an http:// or https:// URL (got "ftp://example.com")' },
  { ...withCheck({ TCP: 'no-port', Interval: '1s' }), status: 400, text: 'Invalid check: TCP must be host:port (got "no-port")' },
  { ...withCheck({ TTL: '10s', Status: 'great' }), status: 400, text: 'Invalid check: Status must be one of passing, warning, critical (got "great")' },
  { ...withCheck({ Notes: 'no type at all' }), status: 400, text: 'Invalid check: one of TTL, HTTP (with Interval) or TCP (with Interval) is required' },
  { method: 'PUT', path: '/v1/agent/service/deregister/nope', status: 404, text: 'Unknown service ID "nope". Ensure that the service ID is passed, not the service name.' },
  { method: 'PUT', path: '/v1/agent/service/maintenance/fixture', status: 400, text: 'Missing value for enable' },
  { method: 'PUT', path: '/v1/agent/service/maintenance/fixture?enable=maybe', status: 400, text: 'Invalid value for ?enable: "maybe" is not a boolean' },
  { method: 'PUT', path: '/v1/agent/check/pass/nope', status: 404, text: 'Unknown check ID "nope". Ensure that the check ID is passed, not the check name.' },
  { method: 'PUT', path: '/v1/agent/check/pass/service:fixture:2', status: 400, text: 'CheckID "service:fixture:2" does not have associated TTL' },
  { method: 'PUT', path: '/v1/agent/check/update/service:fixture:1', body: '{"Status":"fine"}', status: 400, text: "Invalid check status: 'fine'" },
  { method: 'PUT', path: '/v1/agent/check/register', body: '{"TTL":"10s"}', status: 400, text: 'Missing check name' },
  { method: 'PUT', path: '/v1/agent/check/register', body: '{"Name":"x","ServiceID":"ghost","TTL":"10s"}', status: 400, text: 'ServiceID "ghost" does not exist' },
  { method: 'GET', path: '/v1/kv/', status: 400, text: 'Missing key name' },
  { method: 'PUT', path: '/v1/kv/', body: 'x', status: 400, text: 'Missing key name' },
  { method: 'PUT', path: '/v1/kv/big', body: Buffer.alloc(600 * 1024, 1), status: 413, text: /^Request body\(614400 bytes\) too large, max size: 524288 bytes\./ },
  { method: 'PUT', path: '/v1/kv/x?flags=-1', body: 'x', status: 400, text: /^Invalid flags: "-1" is not an unsigned integer/ },
  { method: 'PUT', path: '/v1/kv/x?cas=abc', body: 'x', status: 400, text: /^Invalid cas: "abc"/ },
  { method: 'PUT', path: '/v1/kv/x?acquire=a&release=a', body: 'x', status: 400, text: 'Conflicting flags: acquire and release cannot both be set' },
  { method: 'GET', path: '/v1/kv/%E0%A4%A', status: 400, text: /^Invalid URL: / },
  { method: 'GET', path: '/v1/health/state/sick', status: 400, text: 'Invalid check state "sick": must be any, passing, warning or critical' },
  { method: 'GET', path: '/v1/health/service/web?passing=maybe', status: 400, text: 'Invalid value for ?passing: "maybe" is not a boolean' },
  { method: 'GET', path: '/v1/catalog/service/web?index=-1', status: 400, text: /^Invalid index: "-1"/ },
  { method: 'GET', path: '/v1/catalog/services?dc=dc9', status: 400, text: 'No path to datacenter "dc9"' },
  { method: 'GET', path: '/v1/health/service/web?filter=Service.Port%20%3D%3D%2080', status: 400, text: 'Filter expressions (?filter) are not supported by meshway-registry' },
  { method: 'PUT', path: '/v1/catalog/register', body: '{}', status: 400, text: 'Must provide node' },
  { method: 'PUT', path: '/v1/catalog/register', body: '{"Node":"n"}', status: 400, text: 'Must provide address if SkipNodeUpdate is not set' },
  { method: 'PUT', path: '/v1/catalog/register', body: '{"Node":"n","Address":"10.0.0.1","Service":{"Port":1}}', status: 400, text: 'Must provide service name (Service.Service)' },
  { method: 'PUT', path: '/v1/catalog/deregister', body: '{"Node":"node-1"}', status: 400, text: 'Cannot deregister node "node-1": it is the registry\'s own node' },
  { method: 'PUT', path: '/v1/session/create', body: '{"TTL":"5s"}', status: 400, text: "Invalid Session TTL '5s', must be between [10s=24h0m0s]" },
  { method: 'PUT', path: '/v1/session/create', body: '{"Behavior":"explode"}', status: 400, text: "Invalid Behavior setting 'explode'" },
  { method: 'PUT', path: '/v1/session/create', body: '{"LockDelay":"2m"}', status: 400, text: 'Lock delay must be at most 1m0s' },
  { method: 'PUT', path: '/v1/session/create', body: '{"Node":"ghost"}', status: 400, text: 'Missing node registration for "ghost"' },
  { method: 'PUT', path: '/v1/session/renew/nope', status: 404, text: "Session id 'nope' not found" },
  { method: 'GET', path: '/v1/agent/service/register', status: 405, text: 'method GET not allowed' },
  { method: 'DELETE', path: '/v1/catalog/services', status: 405, text: 'method DELETE not allowed' },
  { method: 'POST', path: '/v1/kv/x', body: 'x', status: 405, text: 'method POST not allowed' },
  { method: 'GET', path: '/v1/nope', status: 404, text: '404 page not found' },
  { method: 'GET', path: '/v1/health/service/', status: 400, text: 'Missing service name' },
  { method: 'GET', path: '/v1/catalog/node/', status: 400, text: 'Missing node name' },
  { method: 'PUT', path: '/v1/agent/service/deregister/', status: 400, text: 'Missing ID' },
  { method: 'GET', path: `/v1/kv/${'b'.repeat(20_000)}`, status: 431, text: 'Request Header Fields Too Large' },
  { method: 'GET', path: `/v1/health/service/${'a'.repeat(3000)}`, status: 414, text: 'URI too long: a path segment is over 1024 characters' },
  { method: 'GET', path: '/v1/agent/service/nope', status: 404, text: 'unknown service ID: nope' },
  { method: 'PUT', path: '/v1/agent/service/register', body: Buffer.alloc(5 * 1024 * 1024, 32), status: 413, text: /^Request body too large/ },
];

describe('bad input gets a Consul-style 4xx, never a 500 and never a half-applied write', () => {
  let fx: RegistryFixture;
  beforeAll(async () => {
    fx = await startFixture();
    await fx.consul.agent.service.register({ name: 'fixture', checks: [{ ttl: '1h' }, { tcp: '127.0.0.1:1', interval: '1h' }] });
  });
  afterAll(async () => {
    await fx.stop();
  });

  it.each(ROWS.map((row) => [`${row.method} ${row.path.slice(0, 60)} ${typeof row.body === 'string' ? row.body.slice(0, 60) : ''}`, row] as const))('%s', async (_name, row) => {
    const body = Buffer.isBuffer(row.body) ? new Uint8Array(row.body) : row.body;
    const response = await fx.http(row.path, { method: row.method, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    expect({ status: response.status, text }).toEqual({ status: row.status, text: typeof row.text === 'string' ? row.text : expect.stringMatching(row.text) });
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(response.headers.get('x-meshway-error')).toMatch(/^MESHWAY_REGISTRY_/);
  });

  it('applies nothing from a registration whose second check is invalid', async () => {
    const before = await fx.http('/v1/catalog/services');
    const index = before.headers.get('x-consul-index');
    const response = await fx.http('/v1/agent/service/register', {
      method: 'PUT',
      body: JSON.stringify({ Name: 'half', Checks: [{ TTL: '10s' }, { TTL: 'nope' }] }),
    });
    expect(response.status).toBe(400);
    const after = await fx.http('/v1/catalog/services');
    expect(after.headers.get('x-consul-index')).toBe(index);
    expect(await after.json()).not.toHaveProperty('half');
  });
});
