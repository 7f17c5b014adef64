import { validRange } from 'semver';
import { GatewayError } from '../../gateway.errors.js';
import { headerValue } from '../../proxy/incoming-headers.js';
import type { ReleaseArm } from '../../releases/release.state.js';
import type { RouteContext, Step, StepFactory } from '../step.js';


/** Which instances may serve this request: the caller's version header, else the route's version, else the release's side. */
function selectVersion({ spec, upstream, releases }: RouteContext): Step {
  const noVersion = (range: string): GatewayError =>
    new GatewayError('MESHWAY_NO_VERSION', `No instance of ${spec.service} serves version ${range}; running: ${upstream.versions().join(', ') || 'none'}.`, {
      headers: { 'x-meshway-versions': upstream.versions().join(', ') },
    });
  return (ex, next) => {
    let range = spec.version;
    const asked = spec.versionHeader === undefined ? undefined : headerValue(ex.headers.forward, spec.versionHeader);
    if (asked !== undefined) {
      if (asked.length > 64 || validRange(asked) === null) throw new GatewayError('MESHWAY_BAD_REQUEST', `${spec.versionHeader ?? ''} must be a version or range such as "2" or "^2.1", got ${JSON.stringify(asked.slice(0, 64))}.`);
      range = asked;
    } else if (range === undefined) {
      const release = releases.get(spec.service);
      if (release !== undefined) {
        const rangeOf = (side: ReleaseArm): string => (side === 'canary' ? release.release.canary : release.release.stable);
        let side = release.armFor(ex);
        // A side with no instance left (the canary was stopped) sends its callers to the other side.
        if (upstream.httpInstancesFor(rangeOf(side)).length === 0) side = side === 'canary' ? 'stable' : 'canary';
        ex.release = release;
        ex.releaseArm = side;
        (ex.responseHeaders ??= []).push('x-meshway-release', side);
        range = rangeOf(side);
      }
    }
    if (range !== undefined) {
      if (upstream.httpInstances.length > 0 && upstream.httpInstancesFor(range).length === 0) throw noVersion(range);
      ex.versionRange = range;
    }
    next(ex);
  };
}

/**
 * HTTP routes: version selection and canary releases. A request naming a version (`versionHeader`, e.g.
 * `accept-version: 2`) or a versioned route (`version: ^2`) reaches only instances whose `meshway-service-version`
 * satisfies it — 404 MESHWAY_NO_VERSION naming the running versions when none does. Otherwise, while the service has a
 * release in KV, the request takes the release's stable or canary side (sticky per caller) and the side's guard hears
 * its outcome. NATS routes have no version step: the queue group picks the member.
 */
export const versionStep: StepFactory = {
  name: 'version',
  create: (route) => (route.spec.transport === 'http' ? selectVersion(route) : undefined),
};
