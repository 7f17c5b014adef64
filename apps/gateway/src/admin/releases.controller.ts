import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { Gateway } from '../gateway.js';
import { GatewayError } from '../gateway.errors.js';
import type { ReleaseView } from '../releases/release.table.js';

/**
 * Canary releases (`meshway/gateway/releases/<service>` in KV): read them, set a split (`{ stable, canary, weight,
 * sticky?, guard? }`), move the weight, re-arm a rolled-back one (`state: active`), or end it.
 */
@Controller('releases')
export class ReleasesController {
  constructor(@Inject(Gateway) private readonly gateway: Gateway) {}

  @Get()
  list(): ReleaseView[] {
    return this.gateway.releases.list();
  }

  @Get(':service')
  one(@Param('service') service: string): ReleaseView {
    const release = this.gateway.releases.list().find((view) => view.service === service);
    if (!release) throw new GatewayError('MESHWAY_NOT_FOUND', `No release of ${service}.`);
    return release;
  }

  @Put(':service')
  put(@Param('service') service: string, @Body() body: unknown): Promise<ReleaseView> {
    return this.gateway.releases.put(service, body);
  }

  @Delete(':service')
  @HttpCode(204)
  async remove(@Param('service') service: string): Promise<void> {
    await this.gateway.releases.remove(service);
  }
}
