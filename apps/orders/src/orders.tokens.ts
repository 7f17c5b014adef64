/** The `UserDirectory` that `OrdersService` asks whether a user exists. */
export const USER_DIRECTORY = Symbol('USER_DIRECTORY');

/** The `OrderEvents` that publish `orders.created`: on NATS, or off in HTTP mode (see `order.events.ts`). */
export const ORDER_EVENTS = Symbol('ORDER_EVENTS');

/** The `Clock` that stamps `createdAt`. */
export const ORDERS_CLOCK = Symbol('ORDERS_CLOCK');

/** Event published after an order is created; its data is the `Order`. */
export const ORDER_CREATED_EVENT = 'orders.created';
