/** Options of `nx g @meshway/nx:service` (see schema.json). */
export interface ServiceGeneratorSchema {
  readonly name: string;
  readonly transport?: 'http' | 'nats';
}

export const SERVICE_TRANSPORTS = ['http', 'nats'] as const;
export type ServiceTransport = (typeof SERVICE_TRANSPORTS)[number];
