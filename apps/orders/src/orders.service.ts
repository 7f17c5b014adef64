import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Clock } from '@meshway/clock';
import { lastValueFrom, type Observable } from 'rxjs';
import type { CreateOrder, Order } from './order.schema.js';
import { orderNotFound, unknownUser } from './orders.errors.js';
import { ORDER_CREATED_EVENT, ORDER_EVENTS, ORDERS_CLOCK, USER_DIRECTORY } from './orders.tokens.js';
import type { UserDirectory } from './user.directory.js';

/** What publishes order events: a Nest `ClientProxy` on NATS in the app, a recorder in tests. */
export interface OrderEvents {
  emit(pattern: string, data: Order): Observable<unknown>;
}

/** Orders in memory, per instance (a sample store; a real service would use a database). */
@Injectable()
export class OrdersService {
  private readonly logger = new Logger(OrdersService.name);
  private readonly orders = new Map<string, Order>();
  private nextId = 1;

  constructor(
    @Inject(USER_DIRECTORY) private readonly users: UserDirectory,
    @Inject(ORDER_EVENTS) private readonly events: OrderEvents,
    @Inject(ORDERS_CLOCK) private readonly clock: Clock,
  ) {}

  /** Stores the order and publishes `orders.created`; 422 USER_NOT_FOUND when the user is unknown. */
  async create(input: CreateOrder): Promise<Order> {
    if (!(await this.users.exists(input.userId))) throw unknownUser(input.userId);
    const order: Order = {
      id: String(this.nextId++),
      userId: input.userId,
      items: input.items,
      status: 'created',
      createdAt: new Date(this.clock.now()).toISOString(),
    };
    this.orders.set(order.id, order);
    await this.publishCreated(order);
    return order;
  }

  /** The order with `id`; throws 404 ORDER_NOT_FOUND. */
  get(id: string): Order {
    const order = this.orders.get(id);
    if (!order) throw orderNotFound(id);
    return order;
  }

  /** Every order, or those of one user. */
  list(userId?: string): Order[] {
    const all = [...this.orders.values()];
    return userId === undefined ? all : all.filter((order) => order.userId === userId);
  }

  /** The order is stored either way: a lost event is logged, it does not fail the request. */
  private async publishCreated(order: Order): Promise<void> {
    try {
      await lastValueFrom(this.events.emit(ORDER_CREATED_EVENT, order), { defaultValue: undefined });
    } catch (error) {
      this.logger.warn(`${ORDER_CREATED_EVENT} for order ${order.id} was not published: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
