import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Clock } from '@meshway/clock';
import { ORDER_CREATED, type OrderCreated } from '@meshway/contracts';
import { EventPublisher } from '@meshway/events';
import { SERVICE_IDENTITY, type ServiceIdentity } from '@meshway/service';
import type { CreateOrder, Order } from './order.schema.js';
import { orderNotFound, unknownUser } from './orders.errors.js';
import { ORDERS_CLOCK, USER_DIRECTORY } from './orders.tokens.js';
import type { UserDirectory } from './user.directory.js';

/** Orders in memory, per instance (a sample store; a real service would use a database). */
@Injectable()
export class OrdersService {
  private readonly logger = new Logger(OrdersService.name);
  private readonly orders = new Map<string, Order>();
  private nextId = 1;

  constructor(
    @Inject(USER_DIRECTORY) private readonly users: UserDirectory,
    @Inject(EventPublisher) private readonly events: EventPublisher,
    @Inject(ORDERS_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_IDENTITY) private readonly identity: ServiceIdentity,
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

  /**
   * Publishes `orders.created` (the order as JSON) into ORDER_EVENTS and waits for the stream's ack. The order is stored
   * either way: a lost event is logged with its msgId (publishing it again with that msgId stores it at most once).
   */
  private async publishCreated(order: Order): Promise<void> {
    // Order ids count per instance from 1; the instance id (host, port, random hex) makes the msgId unique across
    // instances and restarts, so de-duplication never drops another order's event.
    const msgId = `order-created:${this.identity.instance}:${order.id}`;
    try {
      await this.events.publish(ORDER_CREATED, order satisfies OrderCreated, { msgId });
    } catch (error) {
      this.logger.warn(`${ORDER_CREATED} for order ${order.id} (msgId ${msgId}) was not published: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
