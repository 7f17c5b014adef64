/**
 * Stream sequences this process has handled, bounded (the oldest are forgotten first). A redelivery of a handled
 * event — its ack was lost, or it waited in the buffer past ackWait — is then acked without running the handler again.
 * Per process and in memory: it does not cover a restart or another instance (see README, "Guarantees").
 */
export class SeenGuard {
  private readonly seen = new Set<number>();

  constructor(private readonly capacity: number) {}

  has(seq: number): boolean {
    return this.seen.has(seq);
  }

  add(seq: number): void {
    if (this.capacity === 0) return;
    this.seen.delete(seq);
    this.seen.add(seq);
    // A Set iterates in insertion order: the first value is the oldest.
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value as number);
  }

  get size(): number {
    return this.seen.size;
  }
}
