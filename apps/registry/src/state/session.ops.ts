import { content } from '../model/record-content.js';
import type { WriteTx } from './write.tx.js';

/**
 * Ends a session: the keys it holds are released (behavior `release`) or deleted (`delete`), and
 * each gets Consul's lock-delay so another session cannot grab it at once.
 */
export function destroySession(tx: WriteTx, id: string, now: number): void {
  const session = tx.tables.sessions.get(id);
  if (!session) return;
  for (const entry of [...tx.tables.kv.values()]) {
    if (entry.Session !== id) continue;
    if (session.Behavior === 'delete') tx.deleteKv(entry.Key);
    else {
      const { Session: _held, ...released } = content(entry);
      tx.putKv(released);
    }
    if (session.LockDelayMs > 0) tx.tables.lockDelays.set(entry.Key, now + session.LockDelayMs);
  }
  tx.deleteSession(id);
}
