import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthChecks, type CheckResult } from './health.checks.js';
import type { ServiceIdentity, ServiceInfo } from './service.identity.js';
import { SERVICE_IDENTITY, SERVICE_TRANSPORT } from './service.tokens.js';
import type { TransportDecision } from './transport.decision.js';

/** `GET /health` body. `live` is true whenever the process answers; `ready` when every check is up. */
export interface HealthBody {
  readonly status: 'ok' | 'error';
  readonly service: string;
  readonly live: true;
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, CheckResult>>;
}

/** The part of a Fastify/Express reply this controller needs: setting the status. */
interface StatusReply {
  status(code: number): unknown;
}

/** Platform endpoints, not the service's API: left out of `/openapi.json`. */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    private readonly checks: HealthChecks,
    @Inject(SERVICE_IDENTITY) private readonly identity: ServiceIdentity,
    @Inject(SERVICE_TRANSPORT) private readonly transport: TransportDecision,
  ) {}

  /** 200 when ready, 503 with `status: "error"` when a readiness check is down (the registry's HTTP check reads this). */
  @Get('health')
  async health(@Res({ passthrough: true }) response: StatusReply): Promise<HealthBody> {
    const { ready, checks } = await this.checks.report();
    if (!ready) response.status(503);
    return { status: ready ? 'ok' : 'error', service: this.identity.service, live: true, ready, checks };
  }

  /** Who answers, and over which transport this run (a NATS service in HTTP mode says `http`). */
  @Get('info')
  info(): ServiceInfo {
    return this.identity.info(this.transport.served);
  }
}
