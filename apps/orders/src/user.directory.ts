import { Injectable } from '@nestjs/common';
import { MeshClient, TransportError, TransportErrorCode } from '@meshway/transport';
import { ApiError } from '@meshway/service';

const OUT_OF_TIME: ReadonlySet<string> = new Set([TransportErrorCode.UpstreamTimeout, TransportErrorCode.DeadlineExceeded]);

/** Answers whether a user exists: `OrdersService` refuses orders for unknown users (422 USER_NOT_FOUND). */
export interface UserDirectory {
  exists(userId: string): Promise<boolean>;
}

/**
 * Asks the users service (`GET /users/:id`) through MeshClient: found by discovery, balanced,
 * with the caller's deadline and trace. 404 means "no such user"; users being unreachable is a 503
 * for the client (USERS_UNAVAILABLE), never a wrong "unknown user"; running out of time is 504.
 */
@Injectable()
export class MeshUserDirectory implements UserDirectory {
  constructor(private readonly mesh: MeshClient) {}

  async exists(userId: string): Promise<boolean> {
    try {
      const response = await this.mesh.call('users', `GET /users/${encodeURIComponent(userId)}`, undefined, { timeoutMs: 2_000 });
      if (response.status === 404) return false;
      if (response.status === 200) return true;
      throw new ApiError(502, 'USERS_UNEXPECTED_REPLY', `users answered ${response.status} for user "${userId}"`);
    } catch (error) {
      // Out of time is 504 for the client, as the gateway says it (the service's error filter maps these codes).
      if (error instanceof TransportError && !OUT_OF_TIME.has(error.code)) throw new ApiError(503, 'USERS_UNAVAILABLE', `Cannot check user "${userId}": ${error.code} ${error.message}`);
      throw error;
    }
  }
}
