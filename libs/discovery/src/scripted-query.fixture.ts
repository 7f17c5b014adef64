import type { IndexedQuery } from './blocking.query.js';
import type { Indexed } from './consul.api.js';

interface PendingCall<T> {
  readonly index: bigint;
  readonly signal: AbortSignal;
  answer(value: Indexed<T>): void;
  fail(error: unknown): void;
}

/**
 * A blocking query whose answers the test gives by hand: each call waits until the test answers
 * or fails it (or the caller aborts). For unit specs of the loop logic; the real registry proves the wire.
 */
export class ScriptedQuery<T> {
  readonly calls: PendingCall<T>[] = [];

  readonly fetch: IndexedQuery<T> = (index, signal) =>
    new Promise<Indexed<T>>((resolve, reject) => {
      signal.addEventListener('abort', () => {
        reject(signal.reason as Error);
      });
      this.calls.push({ index, signal, answer: resolve, fail: reject });
    });

  /** The call waiting for an answer now. */
  get last(): PendingCall<T> {
    const call = this.calls.at(-1);
    if (!call) throw new Error('no query has been made yet');
    return call;
  }

  get indexes(): bigint[] {
    return this.calls.map((c) => c.index);
  }
}
