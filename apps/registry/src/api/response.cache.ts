/** A serialised answer: status, body (as bytes, so its length is computed once), content type. */
export interface Answer {
  readonly status: number;
  readonly payload: Buffer;
  readonly contentType: string;
}

/** Consul's one JSON content type, on every endpoint (no charset parameter). */
export const JSON_CONTENT_TYPE = 'application/json';

export const jsonAnswer = (value: unknown, status = 200): Answer => ({ status, payload: Buffer.from(JSON.stringify(value)), contentType: JSON_CONTENT_TYPE });
export const emptyAnswer = (status: number): Answer => ({ status, payload: Buffer.alloc(0), contentType: 'text/plain; charset=utf-8' });

/**
 * Memoises answers per query for the current state version. When a write wakes 1,000 watchers of
 * one service, the first computes and serialises the answer; the other 999 reuse it.
 */
export class ResponseCache {
  private version = -1;
  private readonly entries = new Map<string, Answer>();

  constructor(private readonly maxEntries = 512) {}

  get(key: string, version: number, compute: () => Answer): Answer {
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    const hit = this.entries.get(key);
    if (hit) return hit;
    const answer = compute();
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, answer);
    return answer;
  }
}
