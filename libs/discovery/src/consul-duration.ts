const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** Whether `text` is a Consul (Go) duration Meshway accepts: `500ms`, `10s`, `1m`, `1m30s`, `2h`. */
export function isDuration(text: unknown): text is string {
  return typeof text === 'string' && DURATION.test(text);
}

/** Milliseconds in a Consul duration such as `10s` or `1m30s`; NaN when it is not one. */
export function durationMs(text: string): number {
  if (!isDuration(text)) return Number.NaN;
  let total = 0;
  for (const [, amount = '0', unit = 'ms'] of text.matchAll(PART)) total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return total;
}
