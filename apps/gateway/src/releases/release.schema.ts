import { validRange } from 'semver';
import { z } from 'zod';
import { parseWith, show } from '../live-config/zod-issues.js';

/** Where a release keeps its split: `meshway/gateway/releases/<service>` (JSON) in the registry KV. */
export const RELEASES_PREFIX = 'meshway/gateway/releases/';

const range = z.string().refine((value) => validRange(value) !== null, {
  error: (issue) => `expected a semver version or range such as "1.4.0", "^2" or "2.1.x", got ${show(issue.input)}`,
});

const sticky = z.string().regex(/^(?:consumer|ip|header:[A-Za-z0-9_-]+|cookie:[A-Za-z0-9_.-]+)$/, {
  error: (issue) => `expected "consumer", "ip", "header:<name>" or "cookie:<name>", got ${show(issue.input)}`,
});

/** The automatic rollback's thresholds: the canary is compared with the stable version over the same sliding window. */
const guardSchema = z
  .object({
    /** Sliding window the error ratios and p99 latencies are measured over, seconds. */
    windowSec: z.number().int().min(1).max(3600).default(30),
    /** Canary requests in the window before the guard may judge (fewer say nothing). */
    minRequests: z.number().int().min(1).max(1_000_000).default(20),
    /** Roll back when the canary's 5xx ratio exceeds the stable one's by more than this (0.05 = 5 points). */
    maxErrorRateDelta: z.number().min(0).max(1).default(0.05),
    /** Roll back when the canary's p99 latency exceeds the stable one's by more than this, ms (unset: latency not judged). */
    maxP99DeltaMs: z.number().positive().max(3_600_000).optional(),
  })
  .strict();

export const releaseSchema = z
  .object({
    /** The version (range) most traffic goes to. */
    stable: range,
    /** The version (range) being released. */
    canary: range,
    /** Percent of traffic (0–100, decimals allowed) the canary gets. */
    weight: z.number().min(0).max(100),
    /** What keeps one caller on one side: the authenticated consumer (else the client IP), the IP, a header or a cookie. */
    sticky: sticky.default('consumer'),
    guard: guardSchema.optional(),
    /** Written by the gateway: `rolled-back` after the guard tripped (weight is then 0); writing `active` re-arms it. */
    state: z.enum(['active', 'rolled-back']).default('active'),
    rollback: z.object({ at: z.string(), reason: z.string() }).strict().optional(),
  })
  .strict();

export type Release = z.output<typeof releaseSchema>;
export type ReleaseGuard = z.output<typeof guardSchema>;

/** Validates a release document; throws MESHWAY_GATEWAY_INVALID_CONFIG naming every bad field. */
export function parseRelease(value: unknown, origin: string): Release {
  return parseWith(releaseSchema, value, origin);
}
