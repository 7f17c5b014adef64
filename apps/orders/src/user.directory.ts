/** Answers whether a user exists: `OrdersService` refuses orders for unknown users (422 USER_NOT_FOUND). */
export interface UserDirectory {
  exists(userId: string): Promise<boolean>;
}

/**
 * For now every id is accepted. The real check — asking the users service through MeshClient
 * (`GET /users/:id`) — replaces this provider under `USER_DIRECTORY` once `libs/transport` offers it;
 * nothing else changes.
 */
export class AcceptingUserDirectory implements UserDirectory {
  exists(_userId: string): Promise<boolean> {
    return Promise.resolve(true);
  }
}
