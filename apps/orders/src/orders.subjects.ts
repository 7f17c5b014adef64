/** NATS subjects (Nest message patterns) this service answers; the gateway routes HTTP to them. */
export const ORDER_SUBJECTS = {
  create: 'orders.create',
  get: 'orders.get',
  list: 'orders.list',
} as const;
