/** The `UserDirectory` that `OrdersService` asks whether a user exists. */
export const USER_DIRECTORY = Symbol('USER_DIRECTORY');

/** The `Clock` that stamps `createdAt`. */
export const ORDERS_CLOCK = Symbol('ORDERS_CLOCK');
