import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { Gateway } from '../gateway.js';
import type { ConfigDiff } from '../live-config/config.diff.js';
import type { RoutesDocument } from '../live-config/dynamic-config.js';

/** `?dryRun` or `?dryRun=true`: validate and diff, change nothing. */
function isDryRun(value: string | undefined): boolean {
  return value !== undefined && value !== 'false' && value !== '0';
}

/**
 * Declarative configuration (like Kong's decK): export the dynamic routes document, import one (with a dry run that
 * only prints the diff), and manage single named routes. Changes go to the registry KV, which every replica watches,
 * so they take effect everywhere within a round trip; the routes file stays the boot baseline (KV wins on the same route).
 */
@Controller('config')
export class ConfigController {
  constructor(@Inject(Gateway) private readonly gateway: Gateway) {}

  /** The dynamic routes document as stored, with its version (the KV modify index). */
  @Get()
  async export(): Promise<RoutesDocument & { version: string }> {
    const { document, version } = await this.gateway.dynamicConfig.read();
    return { ...document, version: version.toString() };
  }

  /** Replaces the dynamic routes document; answers the diff (applied or, with `?dryRun`, what would be). */
  @Put()
  async import(@Body() document: unknown, @Query('dryRun') dryRun?: string): Promise<ConfigDiff & { applied: boolean }> {
    const diff = await this.gateway.dynamicConfig.replace(stripVersion(document), { dryRun: isDryRun(dryRun) });
    return { ...diff, applied: !isDryRun(dryRun) };
  }

  @Get('routes')
  async routes(): Promise<RoutesDocument['routes']> {
    return (await this.gateway.dynamicConfig.read()).document.routes;
  }

  @Post('routes')
  @HttpCode(201)
  addRoute(@Body() route: unknown): Promise<ConfigDiff> {
    return this.gateway.dynamicConfig.putRoute(route, 'create');
  }

  @Put('routes/:name')
  replaceRoute(@Param('name') name: string, @Body() route: unknown): Promise<ConfigDiff> {
    return this.gateway.dynamicConfig.putRoute(route, 'replace', name);
  }

  @Delete('routes/:name')
  deleteRoute(@Param('name') name: string): Promise<ConfigDiff> {
    return this.gateway.dynamicConfig.deleteRoute(name);
  }
}

/** An exported document carries its `version`; importing it back must not count that as a field. */
function stripVersion(document: unknown): unknown {
  if (typeof document !== 'object' || document === null || !('version' in document)) return document;
  const { version: _version, ...rest } = document as Record<string, unknown>;
  return rest;
}
