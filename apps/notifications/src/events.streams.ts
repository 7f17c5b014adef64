import type { StreamSpec } from '@meshway/events';
import { z } from 'zod';

/** The sample event this service consumes: replace it with the real one (e.g. `ORDER_CREATED` from `@meshway/contracts`). */
export const SAMPLE_EVENT = 'notifications.sample';

export const sampleEventSchema = z.object({ message: z.string().min(1).max(500) });
export type SampleEvent = z.infer<typeof sampleEventSchema>;

/**
 * The stream the consumer reads, ensured at boot so the consumer can start before any publisher. The publisher ensures
 * it with the same spec: share it through `@meshway/contracts` (as `ORDER_EVENTS_STREAM`), never two copies.
 */
export const NOTIFICATIONS_EVENTS_STREAM = { name: 'NOTIFICATIONS_SAMPLE_EVENTS', subjects: [SAMPLE_EVENT] } as const satisfies StreamSpec;
