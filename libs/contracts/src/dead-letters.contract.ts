import type { StreamSpec } from '@meshway/events';

/**
 * Keeps the events consumers gave up on (`@meshway/events` publishes them on `meshway.dead-letter.<stream>.<durable>`),
 * so they can be read and replayed later; without a stream capturing them they are only seen by live subscribers.
 */
export const DEAD_LETTERS_STREAM = { name: 'DEAD_LETTERS', subjects: ['meshway.dead-letter.>'] } as const satisfies StreamSpec;
