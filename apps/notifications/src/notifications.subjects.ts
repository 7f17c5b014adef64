/** NATS subjects (Nest message patterns) this service answers; the gateway routes HTTP to them. */
export const NOTIFICATION_SUBJECTS = {
  list: 'notifications.list',
} as const;
