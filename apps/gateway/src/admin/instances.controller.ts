import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Gateway, type InstanceView } from '../gateway.js';
import type { DrainedInstance } from '../upstream/drained.instances.js';

/** Upstream instances: see them, drain one (no new request goes to it, on every replica) and put it back. */
@Controller('instances')
export class InstancesController {
  constructor(@Inject(Gateway) private readonly gateway: Gateway) {}

  @Get()
  list(): InstanceView[] {
    return this.gateway.instances();
  }

  @Post(':id/drain')
  drain(@Param('id') id: string, @Body() body: unknown): Promise<DrainedInstance> {
    const reason = typeof body === 'object' && body !== null && typeof (body as { reason?: unknown }).reason === 'string' ? (body as { reason: string }).reason : '';
    return this.gateway.drained.drain(id, reason);
  }

  @Delete(':id/drain')
  @HttpCode(204)
  async undrain(@Param('id') id: string): Promise<void> {
    await this.gateway.drained.undrain(id);
  }
}
