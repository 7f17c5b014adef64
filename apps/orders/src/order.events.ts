import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import type { ServiceConfig } from '@meshway/config';
import type { TransportDecision } from '@meshway/service';
import { EMPTY, type Observable } from 'rxjs';
import type { Order } from './order.schema.js';
import type { OrderEvents } from './orders.service.js';
import { ORDER_CREATED_EVENT } from './orders.tokens.js';

/** Publishes on the NATS servers the service listens on (Nest `ClientProxy.emit`); closed with the app. */
class NatsOrderEvents implements OrderEvents, OnApplicationShutdown {
  constructor(private readonly client: ClientProxy) {}

  emit(pattern: string, data: Order): Observable<unknown> {
    return this.client.emit(pattern, data);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

/** HTTP mode: no NATS to publish on. Nothing is published, and nothing fails per order. */
class EventsOff implements OrderEvents {
  emit(): Observable<never> {
    return EMPTY;
  }
}

/**
 * `ORDER_EVENTS` for the transport this run serves: NATS → events are published; HTTP (no NATS) → events are off,
 * said in one line at boot rather than one error per order.
 */
export function orderEvents(config: ServiceConfig, transport: TransportDecision): OrderEvents {
  if (transport.served === 'nats') return new NatsOrderEvents(ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [...config.NATS_URL] } }));
  new Logger('OrderEvents').warn(`${ORDER_CREATED_EVENT} events are off: orders serves HTTP (${transport.reason}), and events travel on NATS`);
  return new EventsOff();
}
