import type { Clock } from '@meshway/clock';
import { errorMessage } from '@meshway/errors';
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';
import { MAX_JWKS_BYTES } from './auth.defaults.js';
import type { AuthLogger } from './authenticator.options.js';
import { KEY_UNAVAILABLE, UNKNOWN_KEY, type KeyResolution, type KeySource } from './key.source.js';

export interface JwksSourceOptions {
  readonly url: string;
  readonly timeoutMs: number;
  readonly cooldownMs: number;
  readonly maxAgeMs: number;
  readonly clock: Clock;
  readonly logger: AuthLogger;
  /** Told when a fetched set lacks a key the previous one had (a key was rotated out or revoked). */
  readonly onKeysRemoved?: () => void;
}

type LocalKeySet = ReturnType<typeof createLocalJWKSet>;

/** Keys tried at most for a token without `kid` when several keys of the set fit its algorithm. */
const MAX_CANDIDATES = 4;

/**
 * An issuer's JSON Web Key Set, fetched over HTTP and kept. Key selection is jose's `createLocalJWKSet` (kid, alg, kty,
 * use, crv); fetching is ours rather than jose's `createRemoteJWKSet`, which measures its cooldown on `Date.now()` (no
 * injected clock), from the last *successful* fetch (so while the JWKS is down every unknown `kid` fetches again), and fails
 * every token once its cache is older than `cacheMaxAge` and a refetch fails. Here:
 * - at most one fetch per `cooldownMs`, counted from the last attempt, failed or not; one fetch in flight, shared;
 * - an unknown `kid` waits for a fetch when one is allowed, else is refused at once (401), never queued;
 * - a set older than `maxAgeMs` is refreshed in the background while the old one keeps serving;
 * - a failed fetch keeps the last good set (a warning is logged once per outage, an info when it is back);
 * - a set that lost a key tells `onKeysRemoved` (the verifier then forgets its cached tokens);
 * - a fetch is cut after `timeoutMs` (on the injected clock), reads at most 512 KiB and follows no redirect.
 */
export class JwksSource implements KeySource {
  private local: LocalKeySet | undefined;
  private fetchedAt = -Infinity;
  private attemptedAt = -Infinity;
  private pending: Promise<void> | undefined;
  private controller: AbortController | undefined;
  private failing = false;
  /** Each key of the current set, as JSON: to notice one leaving. */
  private keyPrints = new Set<string>();

  constructor(private readonly options: JwksSourceOptions) {}

  async resolve(header: JWSHeaderParameters): Promise<KeyResolution> {
    if (this.local === undefined) await this.refresh();
    else if (this.options.clock.now() - this.fetchedAt >= this.options.maxAgeMs) void this.refresh();
    const found = await this.find(header);
    if (found !== undefined) return found;
    const refreshing = this.refresh();
    if (refreshing === undefined) return this.failing ? KEY_UNAVAILABLE : UNKNOWN_KEY;
    await refreshing;
    return (await this.find(header)) ?? (this.failing ? KEY_UNAVAILABLE : UNKNOWN_KEY);
  }

  warmUp(): Promise<void> {
    return this.refresh() ?? Promise.resolve();
  }

  close(): void {
    this.controller?.abort(new Error('closed'));
  }

  /** The fetch in flight, or a new one when the cooldown allows; undefined when neither. Never rejects. */
  private refresh(): Promise<void> | undefined {
    if (this.pending !== undefined) return this.pending;
    if (this.options.clock.now() - this.attemptedAt < this.options.cooldownMs) return undefined;
    this.attemptedAt = this.options.clock.now();
    const pending = this.fetchOnce().finally(() => {
      this.pending = undefined;
    });
    this.pending = pending;
    return pending;
  }

  private async fetchOnce(): Promise<void> {
    const { url, timeoutMs, clock, logger } = this.options;
    const controller = (this.controller = new AbortController());
    const timer = clock.setTimeout(() => {
      controller.abort(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    try {
      const set = await fetchKeySet(url, controller.signal);
      this.local = createLocalJWKSet(set);
      this.fetchedAt = clock.now();
      this.noticeRemovals(set);
      if (this.failing) logger.info({ jwksUrl: url }, 'JWKS fetched again');
      this.failing = false;
    } catch (error) {
      const reason = controller.signal.aborted ? errorMessage(controller.signal.reason) : errorMessage(error);
      if (!this.failing) logger.warn({ jwksUrl: url, error: reason, keptKeys: this.local !== undefined }, 'JWKS fetch failed; tokens with unknown keys are refused');
      this.failing = true;
    } finally {
      clock.clearTimeout(timer);
    }
  }

  private noticeRemovals(set: JSONWebKeySet): void {
    const prints = new Set(set.keys.map((key) => JSON.stringify(key)));
    const removed = [...this.keyPrints].some((print) => !prints.has(print));
    this.keyPrints = prints;
    if (removed) this.options.onKeysRemoved?.();
  }

  private async find(header: JWSHeaderParameters): Promise<KeyResolution | undefined> {
    if (this.local === undefined) return undefined;
    try {
      return { keys: [await this.local(header)] };
    } catch (error) {
      if (!(error instanceof errors.JWKSMultipleMatchingKeys)) return undefined;
      const keys: CryptoKey[] = [];
      for await (const key of error) {
        keys.push(key);
        if (keys.length === MAX_CANDIDATES) break;
      }
      return keys.length > 0 ? { keys } : undefined;
    }
  }
}

async function fetchKeySet(url: string, signal: AbortSignal): Promise<JSONWebKeySet> {
  const response = await fetch(url, { signal, redirect: 'manual', headers: { accept: 'application/jwk-set+json, application/json' } });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`expected 200 OK, got ${response.status}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body !== null) {
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > MAX_JWKS_BYTES) throw new Error(`the key set is larger than ${MAX_JWKS_BYTES} bytes`);
      chunks.push(chunk);
    }
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as JSONWebKeySet;
}
