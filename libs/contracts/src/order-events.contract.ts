import type { StreamSpec } from '@meshway/events';
import { z } from 'zod';

/** Published by orders once an order is stored; the payload is an {@link OrderCreated}. */
export const ORDER_CREATED = 'orders.created';

/**
 * The stream that keeps order events. The publisher and every consumer ensure it with this same spec (JetStream has no
 * compare-and-set for stream configs, so specs that differ would fight). Event subjects only: `orders.>` would also
 * capture the request-reply subjects `orders.create`, `orders.get`, … and answer callers with the stream's ack.
 */
export const ORDER_EVENTS_STREAM = { name: 'ORDER_EVENTS', subjects: [ORDER_CREATED] } as const satisfies StreamSpec;

/** The payload of `orders.created`: the order as orders stored it. Consumers pass `parse` to reject anything else. */
export const orderCreatedSchema = z
  .object({
    /** Unique per orders instance only: key on the event's `msgId` where uniqueness matters. */
    id: z.string().min(1),
    userId: z.string().min(1),
    items: z.array(z.object({ sku: z.string().min(1), qty: z.number().int().min(1) }).readonly()).min(1).readonly(),
    status: z.literal('created'),
    createdAt: z.iso.datetime(),
  })
  .readonly();

export type OrderCreated = z.infer<typeof orderCreatedSchema>;
