import type { CheckRecord, KvRecord, NodeRecord, ServiceRecord, SessionRecord } from '../model/records.js';

/** One record changed by a write (before/after), for listeners such as the check scheduler. */
export type RecordChange =
  | { kind: 'node'; before?: NodeRecord; after?: NodeRecord }
  | { kind: 'service'; before?: ServiceRecord; after?: ServiceRecord }
  | { kind: 'check'; before?: CheckRecord; after?: CheckRecord }
  | { kind: 'kv'; before?: KvRecord; after?: KvRecord }
  | { kind: 'session'; before?: SessionRecord; after?: SessionRecord };
