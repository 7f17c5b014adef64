import type { AuthResult } from '@meshway/auth';
import type { RouteRecorder } from '../../metrics/gateway.metrics.js';
import { credentialsOf, dropHeader, forwardedIdentity, refusalError } from '../../security/route-admission.js';
import type { Exchange } from '../exchange.js';
import { whenDecided, type StepFactory } from '../step.js';

/** Lets an authenticated caller on (identity headers for the upstream), or answers 401/403 with the route's challenge. */
function admit(ex: Exchange, result: AuthResult, recorder: RouteRecorder, apiKeyHeader: string | undefined): void {
  if (!result.ok) {
    recorder.authRefused(result.reason);
    throw refusalError(result);
  }
  const { identity } = result;
  if (identity === undefined) return;
  ex.identity = identity;
  ex.consumer = identity.consumer;
  // The API key is the consumer's secret for the gateway: services get who is calling, not the key.
  if (apiKeyHeader !== undefined) dropHeader(ex.headers.forward, apiKeyHeader);
  ex.headers.forward.push(...forwardedIdentity(identity));
}

/**
 * Routes with `auth: jwt | apiKey | any`: the caller proves who it is (a JWT of a configured issuer, or a configured API
 * key) and holds the route's `scopes`; else 401 MESHWAY_UNAUTHENTICATED with `WWW-Authenticate`, or 403 MESHWAY_FORBIDDEN.
 * Upstream gets `x-meshway-consumer` and `x-meshway-scopes` (a client's own `x-meshway-*` headers were dropped on
 * arrival). A cached token or an API key is decided synchronously; only a token seen for the first time waits (its
 * signature, maybe its issuer's keys).
 */
export const authStep: StepFactory = {
  name: 'auth',
  create: ({ admission, recorder }) => {
    const authenticate = admission?.authenticate;
    if (authenticate === undefined) return undefined;
    const apiKeyHeader = admission?.apiKeyHeader;
    const apply = (ex: Exchange, result: AuthResult): void => {
      admit(ex, result, recorder, apiKeyHeader);
    };
    return (ex, next) => whenDecided(ex, authenticate(credentialsOf(ex.req.rawHeaders, apiKeyHeader)), apply, next);
  },
};
