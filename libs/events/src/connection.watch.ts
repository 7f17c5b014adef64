import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Follows the connection's status, so a publish that timed out while NATS was away says "NATS unavailable" rather than
 * "timeout". The iteration ends by itself when the connection closes.
 */
export class ConnectionWatch {
  private up = true;

  constructor(nc: NatsConnection) {
    void this.follow(nc);
  }

  get connected(): boolean {
    return this.up;
  }

  private async follow(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') this.up = false;
      else if (status.type === 'reconnect') this.up = true;
    }
  }
}
