import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Gateway } from '../gateway.js';
import type { ConfigSourceStatus } from '../live-config/live-config.js';
import type { RouteView } from '../routing/route.view.js';

/** The admin API, on its own port: never exposed through the proxy. */
@Controller()
export class AdminController {
  constructor(@Inject(Gateway) private readonly gateway: Gateway) {}

  /** 200 while serving; 503 once draining, so a load balancer stops sending new work. */
  @Get('health')
  health(@Res() reply: FastifyReply): void {
    const draining = this.gateway.isDraining;
    void reply.code(draining ? 503 : 200).send({
      status: draining ? 'draining' : 'ok',
      routes: this.gateway.routes().length,
      inflight: this.gateway.inflightRequests,
    });
  }

  @Get('metrics')
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    const { contentType, body } = await this.gateway.metrics.render();
    void reply.header('content-type', contentType).send(body);
  }

  /** The live table, and which version of each configuration source is in force (and the last one rejected). */
  @Get('routes')
  routes(): { routes: RouteView[]; config: ConfigSourceStatus[] } {
    return { routes: this.gateway.routes(), config: this.gateway.configStatus() };
  }
}
