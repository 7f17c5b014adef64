import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { HttpEnvelopePipe, parseInput } from '@meshway/service';
import { reply, type HttpReplyEnvelope, type HttpRequestEnvelope } from '@meshway/transport';
import { z } from 'zod';
import { createOrderSchema } from './order.schema.js';
import { OrdersService } from './orders.service.js';
import { ORDER_SUBJECTS } from './orders.subjects.js';

const orderParamsSchema = z.object({ id: z.string().min(1).max(100) });
const listQuerySchema = z.object({ userId: z.string().min(1).max(100).optional() });

/**
 * NATS handlers. Each receives the HTTP request the gateway forwarded (an envelope) and answers
 * with `reply(status, body)`; errors (400 VALIDATION_FAILED, 404, 422) become replies in the same shape.
 */
@Controller()
export class OrdersHandler {
  constructor(private readonly orders: OrdersService) {}

  /** `POST /api/orders` → 201 with the order. */
  @MessagePattern(ORDER_SUBJECTS.create)
  async create(@Payload(HttpEnvelopePipe) request: HttpRequestEnvelope): Promise<HttpReplyEnvelope> {
    return reply(201, await this.orders.create(parseInput(createOrderSchema, request.body)));
  }

  /** `GET /api/orders/:id` → 200, or 404 ORDER_NOT_FOUND. */
  @MessagePattern(ORDER_SUBJECTS.get)
  get(@Payload(HttpEnvelopePipe) request: HttpRequestEnvelope): HttpReplyEnvelope {
    const { id } = parseInput(orderParamsSchema, request.params, 'params');
    return reply(200, this.orders.get(id));
  }

  /** `GET /api/orders[?userId=…]` → 200 with the orders. */
  @MessagePattern(ORDER_SUBJECTS.list)
  list(@Payload(HttpEnvelopePipe) request: HttpRequestEnvelope): HttpReplyEnvelope {
    const { userId } = parseInput(listQuerySchema, request.query, 'query');
    return reply(200, this.orders.list(userId));
  }
}
