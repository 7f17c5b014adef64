export { ORDER_CREATED, ORDER_EVENTS_STREAM, orderCreatedSchema, type OrderCreated } from './order-events.contract.js';
export { DEAD_LETTERS_STREAM } from './dead-letters.contract.js';
