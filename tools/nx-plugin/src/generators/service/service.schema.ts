/** Options of `nx g @meshway/nx:service` (see schema.json). */
export interface ServiceGeneratorSchema {
  readonly name: string;
  readonly transport?: 'http' | 'nats';
  readonly events?: 'none' | 'publish' | 'consume';
}

export const SERVICE_TRANSPORTS = ['http', 'nats'] as const;
export type ServiceTransport = (typeof SERVICE_TRANSPORTS)[number];

/** `publish`: the sample handler publishes an event into the service's stream; `consume`: a durable consumer of a stream. */
export const SERVICE_EVENTS = ['none', 'publish', 'consume'] as const;
export type ServiceEvents = (typeof SERVICE_EVENTS)[number];
