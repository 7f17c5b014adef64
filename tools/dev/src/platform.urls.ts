import type { BannerLink } from './banner.printer.js';
import { LOCALHOST } from '@meshway/process';
import type { Component, ServiceTransport } from './component.catalog.js';
import type { PlatformEnv } from './platform.env.js';

/** Where each role answers health: registry speaks Consul (`/v1/status/leader`), the others `/health`. */
export function healthUrl(component: Component, env: PlatformEnv, port: number | undefined): string {
  switch (component.role) {
    case 'registry':
      return `${base(env.registryPort)}/v1/status/leader`;
    case 'gateway':
      return `${base(env.gatewayAdminPort)}/health`;
    case 'service':
      return `${base(requirePort(component, port))}/health`;
  }
}

/** The URLs a person wants to open, per role, for the banner; `transport` is the platform's decided one. */
export function bannerLinks(component: Component, env: PlatformEnv, port: number | undefined, transport: ServiceTransport): BannerLink[] {
  switch (component.role) {
    case 'registry':
      return [
        { url: `${base(env.registryPort)}/v1/catalog/services`, label: 'catalog' },
        { url: `${base(env.registryPort)}/ui`, label: 'dashboard' },
      ];
    case 'gateway':
      return [
        { url: base(env.gatewayPort), label: 'gateway' },
        { url: `${base(env.gatewayAdminPort)}/health`, label: 'admin' },
        { url: `${base(env.gatewayAdminPort)}/metrics` },
        { url: `${base(env.gatewayAdminPort)}/routes` },
      ];
    case 'service':
      return [{ url: base(requirePort(component, port)), label: `service (${serviceLabel(component.transport ?? 'http', transport)})` }];
  }
}

/** `http`, `nats`, or `nats over http` for a NATS service serving its handlers over HTTP. */
function serviceLabel(own: ServiceTransport, platform: ServiceTransport): string {
  return own === 'nats' && platform === 'http' ? 'nats over http' : own;
}

export function base(port: number): string {
  return `http://${LOCALHOST}:${port}`;
}

function requirePort(component: Component, port: number | undefined): number {
  if (port === undefined) throw new Error(`service ${component.name} has no port`);
  return port;
}
