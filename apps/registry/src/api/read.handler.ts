import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WatchSpec } from '../state/change.feed.js';
import type { ApiContext } from './api.context.js';
import { blockingParams, type Query } from './query.params.js';
import type { Answer } from './response.cache.js';

/** A read endpoint: what it watches, how its index is computed, and its answer. */
export interface ReadSpec {
  readonly watch: WatchSpec;
  readonly index: () => number | bigint;
  /**
   * When a blocking query answers: once the index passes `?index` (default, indexes only grow), or once
   * it differs from it (user events, whose index is derived from a random event ID).
   */
  readonly blockUntil?: 'passes' | 'differs';
  readonly compute: () => Answer;
  /** Identifies the answer for the cache (path + the query parameters that shape it); omit to skip caching. */
  readonly cacheKey?: string;
}

/**
 * Answers a read with Consul's blocking-query semantics: with `?index=N`, hold the request until the
 * resource's index passes N or `?wait` (+ jitter) runs out, then answer with the current data and
 * `X-Consul-Index`. The answer is sent only once everything it shows is on disk.
 */
export async function answerRead(ctx: ApiContext, request: FastifyRequest, reply: FastifyReply, spec: ReadSpec): Promise<void> {
  const { minIndex, waitMs } = blockingParams(request.query as Query, ctx.random);
  const moved = spec.blockUntil === 'differs' ? (): boolean => BigInt(spec.index()) !== minIndex : (): boolean => BigInt(spec.index()) > minIndex;
  if (minIndex > 0n && !moved()) await waitForChange(ctx, reply, spec.watch, moved, waitMs);
  if (reply.raw.destroyed) {
    // The client left while we waited: nothing to send, and fastify must not try.
    reply.hijack();
    return;
  }
  const index = spec.index();
  const version = ctx.state.lastIndex;
  const answer = spec.cacheKey === undefined ? spec.compute() : ctx.cache.get(spec.cacheKey, version, spec.compute);
  if (!ctx.state.isDurable(version)) await ctx.state.whenDurable(version);
  // Written straight to the socket: a write can wake a thousand of these at once, and fastify's reply
  // pipeline (hooks, serialisers — none of which apply here) would double the cost of each.
  reply.hijack();
  reply.raw.writeHead(answer.status, {
    'content-type': answer.contentType,
    'content-length': answer.payload.length,
    'x-consul-index': String(index),
    'x-consul-knownleader': 'true',
    'x-consul-lastcontact': '0',
    'x-consul-effective-consistency': 'leader',
  });
  reply.raw.end(answer.payload);
}

function waitForChange(ctx: ApiContext, reply: FastifyReply, watch: WatchSpec, moved: () => boolean, waitMs: number): Promise<void> {
  return new Promise((resolve) => {
    let cancel: (() => void) | undefined;
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      cancel?.();
      ctx.clock.clearTimeout(timer);
      reply.raw.off('close', finish);
      resolve();
    };
    const check = (): void => {
      if (moved()) finish();
      else cancel = ctx.state.feed.wait(watch, check);
    };
    const timer = ctx.clock.setTimeout(finish, waitMs);
    // The client went away: stop waiting so the watcher does not linger.
    reply.raw.on('close', finish);
    check();
  });
}
