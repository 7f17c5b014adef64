import { z } from 'zod';

/** Body of `orders.create` (`POST /api/orders`). */
export const createOrderSchema = z.object({
  userId: z.string().trim().min(1).max(100),
  items: z
    .array(
      z.object({
        sku: z.string().trim().min(1).max(64),
        qty: z.number().int().min(1).max(1_000),
      }),
    )
    .min(1)
    .max(100),
});

export type CreateOrder = z.infer<typeof createOrderSchema>;
export type OrderItem = CreateOrder['items'][number];

export interface Order {
  readonly id: string;
  readonly userId: string;
  readonly items: readonly OrderItem[];
  readonly status: 'created';
  /** ISO 8601. */
  readonly createdAt: string;
}
