import type { FastifyInstance } from 'fastify';
import { isWriteOp, runKvTxn, type TxnError, type TxnResult } from '../state/txn.ops.js';
import type { ApiContext } from './api.context.js';
import { route, sendJson } from './route.table.js';
import { MAX_TXN_BODY_BYTES, parseTxnBody } from './txn.request.js';
import { kvView } from './views.js';

/** Thrown inside the write to roll it back: a transaction with any failed operation applies nothing. */
class TxnConflict extends Error {
  constructor(readonly errors: readonly TxnError[]) {
    super('transaction rolled back');
  }
}

/**
 * `PUT /v1/txn`, KV operations: all of them or none, under one index, in one durable commit (one
 * fsync) before the answer. 200 `{Results, Errors: null}`, or 409 `{Results: null, Errors}` with
 * nothing applied, as Consul.
 */
export function registerTxnRoutes(app: FastifyInstance, ctx: ApiContext): void {
  route(
    app,
    ['PUT'],
    '/v1/txn',
    async (request, reply) => {
      const ops = parseTxnBody(request.body);
      let results: TxnResult[];
      try {
        const write = ctx.state.write((tx) => {
          const outcome = runKvTxn(tx, ops, ctx.clock.now());
          if (!outcome.ok) throw new TxnConflict(outcome.errors);
          return outcome.results;
        });
        results = write.result;
        await write.durable;
      } catch (error) {
        if (!(error instanceof TxnConflict)) throw error;
        await sendJson(reply, { Results: null, Errors: error.errors }, 409);
        return;
      }
      // A read-only transaction shows what earlier writes left: only once that is on disk.
      await ctx.state.whenDurable();
      // Consul sends its read-consistency headers on read-only transactions only.
      if (!ops.some(isWriteOp)) void reply.header('X-Consul-KnownLeader', 'true').header('X-Consul-LastContact', '0');
      await sendJson(reply, { Results: results.map(({ entry, withValue }) => ({ KV: { ...kvView(entry), ...(withValue ? {} : { Value: null }) } })), Errors: null });
    },
    MAX_TXN_BODY_BYTES,
  );
}
